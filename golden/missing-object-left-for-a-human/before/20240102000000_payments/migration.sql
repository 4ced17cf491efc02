-- AlterTable: written against a database that had "Payment" (created by hand)
ALTER TABLE "Payment" ADD COLUMN "note" TEXT;
