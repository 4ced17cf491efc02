-- CreateEnum
DO $codemod$
BEGIN
    CREATE TYPE "Priority" AS ENUM ('LOW', 'HIGH');
EXCEPTION WHEN duplicate_object THEN NULL;
END $codemod$;

-- CreateTable
CREATE TABLE "projects" ("id" TEXT NOT NULL, CONSTRAINT "projects_pkey" PRIMARY KEY ("id"));

-- CreateTable
CREATE TABLE "reviewers" ("id" TEXT NOT NULL, CONSTRAINT "reviewers_pkey" PRIMARY KEY ("id"));

-- codemod: re-adds a statement of 20240102000000_tasks (forward-reference) once its dependencies exist
DO $codemod$
BEGIN
    IF to_regclass('"projects"') IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'tasks_projectId_fkey' AND conrelid = to_regclass('"tasks"')) THEN
        ALTER TABLE "tasks" ADD CONSTRAINT "tasks_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "projects"("id") ON DELETE CASCADE;
    END IF;
END $codemod$;

-- codemod: re-adds a statement of 20240102000000_tasks (forward-reference) once its dependencies exist
DO $codemod$
BEGIN
    IF to_regclass('"reviewers"') IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'tasks_reviewerId_fkey' AND conrelid = to_regclass('"tasks"')) THEN
        ALTER TABLE "tasks" ADD CONSTRAINT "tasks_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "reviewers"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $codemod$;
