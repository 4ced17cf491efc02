-- CreateIndex
CREATE INDEX "b_aId_idx" ON "b"("aId");
