-- Hand-written: the enum and the projects table come in a later migration
-- codemod: creates type "Priority" here, before its first use (forward-reference); 20240103000000_projects creates it too
DO $codemod$
BEGIN
    CREATE TYPE "Priority" AS ENUM ('LOW', 'HIGH');
EXCEPTION WHEN duplicate_object THEN NULL;
END $codemod$;

CREATE TABLE IF NOT EXISTS "tasks" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "ownerId" TEXT,
    "reviewerId" TEXT,
    "priority" "Priority" NOT NULL DEFAULT 'LOW',
    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tasks_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "users"("id") ON DELETE SET NULL
);

DO $codemod$
BEGIN
    IF to_regclass('"projects"') IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'tasks_projectId_fkey' AND conrelid = to_regclass('"tasks"')) THEN
        ALTER TABLE "tasks" ADD CONSTRAINT "tasks_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "projects"("id") ON DELETE CASCADE;
    END IF;
END $codemod$;

DO $codemod$
BEGIN
    IF to_regclass('"reviewers"') IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'tasks_reviewerId_fkey' AND conrelid = to_regclass('"tasks"')) THEN
        ALTER TABLE "tasks" ADD CONSTRAINT "tasks_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "reviewers"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $codemod$;

CREATE TABLE "subtasks" (
    "id" TEXT NOT NULL,
    "priority" "Priority" NOT NULL,
    CONSTRAINT "subtasks_pkey" PRIMARY KEY ("id")
);
