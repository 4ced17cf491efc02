-- AlterEnum
ALTER TYPE "AccessRole" ADD VALUE 'ADMIN';

-- AlterTable
ALTER TABLE "Member" ALTER COLUMN "role" SET DEFAULT 'ADMIN';
