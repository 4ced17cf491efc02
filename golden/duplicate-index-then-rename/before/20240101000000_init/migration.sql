CREATE TABLE "a" ("id" TEXT NOT NULL, "x" TEXT);
CREATE INDEX "a_x_idx" ON "a"("x");
