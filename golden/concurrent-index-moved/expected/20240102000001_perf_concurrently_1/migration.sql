CREATE INDEX CONCURRENTLY "users_role_createdAt_idx" ON "users"("role", "createdAt" DESC);
