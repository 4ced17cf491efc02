CREATE TABLE "jobs" ("id" TEXT NOT NULL, "state" TEXT, CONSTRAINT "jobs_pkey" PRIMARY KEY ("id"));
