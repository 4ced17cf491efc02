CREATE TYPE "Status" AS ENUM ('OPEN');
CREATE TABLE "tickets" ("id" TEXT NOT NULL, "status" "Status" NOT NULL DEFAULT 'OPEN', CONSTRAINT "tickets_pkey" PRIMARY KEY ("id"));
