-- CreateIndex
DO $codemod$
BEGIN
    IF to_regclass('"accounts"') IS NOT NULL
       AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"accounts"') AND attname = 'email' AND NOT attisdropped)
       AND to_regclass('"accounts_email_key"') IS NULL THEN
        CREATE UNIQUE INDEX "accounts_email_key" ON "accounts"("email");
    END IF;
END $codemod$;

-- AddForeignKey
DO $codemod$
BEGIN
    IF to_regclass('"accounts"') IS NOT NULL
       AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('"accounts"') AND attname = 'parentId' AND NOT attisdropped)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'accounts_parentId_fkey' AND conrelid = to_regclass('"accounts"')) THEN
        ALTER TABLE "accounts" ADD CONSTRAINT "accounts_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;
    END IF;
END $codemod$;
