-- CreateTable
ALTER TABLE "dead_letter_queue" ADD COLUMN IF NOT EXISTS "error_code" TEXT;

ALTER TABLE "dead_letter_queue" ADD COLUMN IF NOT EXISTS "retry_count" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "dead_letter_queue" ALTER COLUMN "file_id" DROP NOT NULL;

ALTER TABLE "dead_letter_queue" ALTER COLUMN "status" SET DEFAULT 'pending';

ALTER TABLE "dead_letter_queue" ALTER COLUMN "reason" DROP NOT NULL;

ALTER TABLE "dead_letter_queue" DROP CONSTRAINT "dead_letter_queue_file_id_fkey";

ALTER TABLE "dead_letter_queue" ADD CONSTRAINT "dead_letter_queue_file_id_fkey" FOREIGN KEY ("file_id") REFERENCES "files"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- codemod: not done (needs --unsafe-fixes): drop column 'reason' (its data goes)

-- CreateIndex
CREATE INDEX "dead_letter_queue_error_code_idx" ON "dead_letter_queue"("error_code");

-- CreateIndex
CREATE INDEX "dead_letter_queue_retry_count_idx" ON "dead_letter_queue"("retry_count");
