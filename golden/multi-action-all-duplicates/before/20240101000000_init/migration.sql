CREATE SCHEMA IF NOT EXISTS "billing";
-- CreateTable
CREATE TABLE "billing"."Order" (
    "id" SERIAL NOT NULL,
    "total" INTEGER NOT NULL,
    "notes" TEXT,
    "slug" TEXT NOT NULL,
    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);
-- CreateIndex
CREATE UNIQUE INDEX "Order_slug_key" ON "billing"."Order"("slug");

