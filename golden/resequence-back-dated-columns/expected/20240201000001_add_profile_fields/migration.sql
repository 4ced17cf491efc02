-- AlterTable
ALTER TABLE "users" ADD COLUMN "bio" TEXT,
ADD COLUMN "avatar" TEXT;
