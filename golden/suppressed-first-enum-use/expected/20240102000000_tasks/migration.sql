-- codemod: ignore[forward-reference]
-- codemod: creates type "Priority" here, before its first use (forward-reference); 20240103000000_enum creates it too
DO $codemod$
BEGIN
    CREATE TYPE "Priority" AS ENUM ('LOW', 'HIGH');
EXCEPTION WHEN duplicate_object THEN NULL;
END $codemod$;

CREATE TABLE "tasks" ("id" TEXT NOT NULL, "priority" "Priority" NOT NULL, CONSTRAINT "tasks_pkey" PRIMARY KEY ("id"));

CREATE TABLE "subtasks" ("id" TEXT NOT NULL, "priority" "Priority" NOT NULL, CONSTRAINT "subtasks_pkey" PRIMARY KEY ("id"));
