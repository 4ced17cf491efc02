-- AlterTable
ALTER TABLE "users" ADD COLUMN "name" TEXT;

-- CreateIndex
CREATE INDEX CONCURRENTLY "users_role_createdAt_idx" ON "users"("role", "createdAt" DESC);

-- CreateIndex
CREATE INDEX CONCURRENTLY "users_name_idx" ON "users"("name");
