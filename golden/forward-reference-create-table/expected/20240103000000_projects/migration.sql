-- CreateEnum
CREATE TYPE "Priority" AS ENUM ('LOW', 'HIGH');

-- CreateTable
CREATE TABLE "projects" ("id" TEXT NOT NULL, CONSTRAINT "projects_pkey" PRIMARY KEY ("id"));

-- CreateTable
CREATE TABLE "reviewers" ("id" TEXT NOT NULL, CONSTRAINT "reviewers_pkey" PRIMARY KEY ("id"));
