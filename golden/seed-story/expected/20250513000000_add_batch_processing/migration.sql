-- CreateTable
CREATE TABLE "batch_jobs" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'PENDING',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "batch_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "batch_jobs_projectId_idx" ON "batch_jobs"("projectId");

-- AddForeignKey
DO $codemod$
BEGIN
    IF to_regclass('"batch_jobs"') IS NOT NULL
       AND to_regclass('"projects"') IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'batch_jobs_projectId_fkey' AND conrelid = to_regclass('"batch_jobs"')) THEN
        ALTER TABLE "batch_jobs" ADD CONSTRAINT "batch_jobs_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $codemod$;
