CREATE INDEX "a_x_idx" ON "a"("x");
