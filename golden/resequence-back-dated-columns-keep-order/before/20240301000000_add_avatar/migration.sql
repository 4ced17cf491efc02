-- AlterTable
ALTER TABLE "users" ADD COLUMN "avatar" TEXT;
