-- CreateTable
CREATE TABLE IF NOT EXISTS "posts" ("id" TEXT NOT NULL, CONSTRAINT "posts_pkey" PRIMARY KEY ("id"));
