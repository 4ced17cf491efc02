-- codemod: removed duplicate table "jobs", already created by migration 20240101000000_init

-- codemod: ignore[not-idempotent]
UPDATE "jobs" SET "state" = 'done' WHERE "state" IS NULL;

DELETE FROM "jobs" WHERE "id" = 'x';
