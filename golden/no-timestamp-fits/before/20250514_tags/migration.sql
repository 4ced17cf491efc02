CREATE TABLE "tags" ("id" TEXT NOT NULL, CONSTRAINT "tags_pkey" PRIMARY KEY ("id"));
