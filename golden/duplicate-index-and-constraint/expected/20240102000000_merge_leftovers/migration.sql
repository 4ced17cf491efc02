-- CreateIndex
-- codemod: removed duplicate index "users_email_key", already created by migration 20240101000000_init

-- AddForeignKey
-- codemod: removed duplicate constraint 'posts_authorId_fkey' on "posts", already created by migration 20240101000000_init

-- AlterTable
ALTER TABLE "posts" ADD COLUMN "title" TEXT;
