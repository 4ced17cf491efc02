-- Hand-written: the enum and the projects table come in a later migration
CREATE TABLE "tasks" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL REFERENCES "projects"("id") ON DELETE CASCADE,
    "ownerId" TEXT,
    "reviewerId" TEXT,
    "priority" "Priority" NOT NULL DEFAULT 'LOW',
    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tasks_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "users"("id") ON DELETE SET NULL,
    CONSTRAINT "tasks_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "reviewers"("id") ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE TABLE "subtasks" (
    "id" TEXT NOT NULL,
    "priority" "Priority" NOT NULL,
    CONSTRAINT "subtasks_pkey" PRIMARY KEY ("id")
);
