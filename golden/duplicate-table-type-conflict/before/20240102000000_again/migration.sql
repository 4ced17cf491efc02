-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "email" INTEGER NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
