-- CreateTable
CREATE TABLE "u" ("id" TEXT NOT NULL);
