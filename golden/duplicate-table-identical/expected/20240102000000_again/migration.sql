-- CreateTable
-- codemod: removed duplicate table "users", already created by migration 20240101000000_init

-- CreateTable
CREATE TABLE "posts" (
    "id" TEXT NOT NULL,
    CONSTRAINT "posts_pkey" PRIMARY KEY ("id")
);
