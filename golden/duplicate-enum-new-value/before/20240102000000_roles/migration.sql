-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'EDITOR', 'ADMIN', 'OWNER');

-- CreateTable
CREATE TABLE "members" (
    "id" SERIAL NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',
    CONSTRAINT "members_pkey" PRIMARY KEY ("id")
);
