CREATE TABLE "jobs" ("id" TEXT NOT NULL, "state" TEXT, CONSTRAINT "jobs_pkey" PRIMARY KEY ("id"));

-- codemod: ignore[not-idempotent]
UPDATE "jobs" SET "state" = 'done' WHERE "state" IS NULL;

DELETE FROM "jobs" WHERE "id" = 'x';
