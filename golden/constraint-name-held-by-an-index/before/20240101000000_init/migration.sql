CREATE TABLE "t" ("id" TEXT NOT NULL, "code" TEXT NOT NULL, CONSTRAINT "t_pkey" PRIMARY KEY ("id"));

-- CreateIndex
CREATE UNIQUE INDEX "t_code_key" ON "t"("code");
