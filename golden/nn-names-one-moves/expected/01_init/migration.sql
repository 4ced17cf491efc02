-- CreateTable
CREATE TABLE "a" ("id" INTEGER NOT NULL, CONSTRAINT "a_pkey" PRIMARY KEY ("id"));
