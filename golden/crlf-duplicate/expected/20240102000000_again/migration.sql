-- CreateTable
-- codemod: removed duplicate table "users", already created by migration 20240101000000_init

-- CreateIndex
CREATE INDEX "users_email_idx" ON "users"("email");
