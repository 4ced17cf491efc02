-- CreateTable
CREATE TABLE IF NOT EXISTS "Webhook" (
    "id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT NOT NULL DEFAULT '',
    "projectId" TEXT,
    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "Webhook" ADD COLUMN IF NOT EXISTS "secret" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Webhook" ADD COLUMN IF NOT EXISTS "projectId" TEXT;

-- CreateIndex
CREATE INDEX IF NOT EXISTS "Webhook_projectId_idx" ON "Webhook"("projectId");

