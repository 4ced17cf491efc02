-- AlterTable
ALTER TABLE "billing"."Order" ADD COLUMN     "currency" TEXT NOT NULL DEFAULT 'EUR';

-- AlterTable
-- codemod: removed: every action repeated what exists (column 'notes' of "billing"."Order", column 'total' of "billing"."Order")

