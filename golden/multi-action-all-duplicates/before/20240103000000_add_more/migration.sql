-- AlterTable
ALTER TABLE "billing"."Order" ADD COLUMN     "currency" TEXT NOT NULL DEFAULT 'EUR',
ADD COLUMN     "notes" TEXT;

-- AlterTable
ALTER TABLE "billing"."Order" ADD COLUMN "notes" TEXT, ADD COLUMN "total" INTEGER NOT NULL;

