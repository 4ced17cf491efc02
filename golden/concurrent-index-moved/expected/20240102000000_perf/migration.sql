-- AlterTable
ALTER TABLE "users" ADD COLUMN "name" TEXT;

-- CreateIndex
-- codemod: moved to a migration of its own right after this one: CREATE INDEX CONCURRENTLY cannot run in a transaction

-- CreateIndex
-- codemod: moved to a migration of its own right after this one: CREATE INDEX CONCURRENTLY cannot run in a transaction
