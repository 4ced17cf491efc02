-- AlterEnum
ALTER TYPE "Status" ADD VALUE 'CLOSED';

-- AlterTable
ALTER TABLE "tickets" ADD COLUMN "archived" "Status" NOT NULL DEFAULT 'CLOSED';
