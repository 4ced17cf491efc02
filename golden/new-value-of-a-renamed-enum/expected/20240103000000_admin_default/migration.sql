-- AlterEnum
-- codemod: moved to a migration of its own right before this one: a new enum value can be used only once it is committed

-- AlterTable
ALTER TABLE "Member" ALTER COLUMN "role" SET DEFAULT 'ADMIN';
