-- CreateTable
CREATE TABLE "likes" ("id" TEXT NOT NULL, CONSTRAINT "likes_pkey" PRIMARY KEY ("id"));
