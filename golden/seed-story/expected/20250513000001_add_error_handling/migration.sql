-- CreateTable
ALTER TABLE "dead_letter_queue" ADD COLUMN IF NOT EXISTS "error" TEXT;

ALTER TABLE "dead_letter_queue" ADD COLUMN IF NOT EXISTS "retryCount" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE IF NOT EXISTS "error_logs" (
    "id" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "userId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "error_logs_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
DO $codemod$
BEGIN
    IF to_regclass('"error_logs"') IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'error_logs_userId_fkey' AND conrelid = to_regclass('"error_logs"')) THEN
        ALTER TABLE "error_logs" ADD CONSTRAINT "error_logs_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $codemod$;
