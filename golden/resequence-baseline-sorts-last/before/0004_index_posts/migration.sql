CREATE INDEX "posts_authorId_idx" ON "posts"("authorId");
