-- AlterTable
ALTER TABLE "accounts" ADD COLUMN "email" TEXT,
ADD COLUMN "parentId" TEXT;
