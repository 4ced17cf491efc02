-- CreateTable
CREATE TABLE "accounts" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT,
    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);
