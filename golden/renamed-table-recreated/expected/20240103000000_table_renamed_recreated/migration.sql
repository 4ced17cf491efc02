-- RenameTable
ALTER TABLE "Webhook" RENAME TO "WebhookOld";

-- CreateTable
ALTER INDEX "Webhook_pkey" RENAME TO "WebhookOld_pkey";
CREATE TABLE "Webhook" (
    "id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
ALTER INDEX "Webhook_url_key" RENAME TO "WebhookOld_url_key";
CREATE UNIQUE INDEX "Webhook_url_key" ON "Webhook"("url");
