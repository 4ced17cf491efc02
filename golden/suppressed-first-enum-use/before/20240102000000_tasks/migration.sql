-- codemod: ignore[forward-reference]
CREATE TABLE "tasks" ("id" TEXT NOT NULL, "priority" "Priority" NOT NULL, CONSTRAINT "tasks_pkey" PRIMARY KEY ("id"));

CREATE TABLE "subtasks" ("id" TEXT NOT NULL, "priority" "Priority" NOT NULL, CONSTRAINT "subtasks_pkey" PRIMARY KEY ("id"));
