-- AlterEnum
-- codemod: moved to a migration of its own right before this one: a new enum value can be used only once it is committed

-- Promote every owner
UPDATE "Member" SET "role" = 'EDITOR' WHERE "role" = 'OWNER';
DELETE FROM "Member" WHERE "role" IN ('ADMIN', 'EDITOR') AND "id" < 0;
