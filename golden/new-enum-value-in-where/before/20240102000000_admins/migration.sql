-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'ADMIN';

-- Promote every owner
UPDATE "Member" SET "role" = 'EDITOR' WHERE "role" = 'OWNER';
DELETE FROM "Member" WHERE "role" IN ('ADMIN', 'EDITOR') AND "id" < 0;
