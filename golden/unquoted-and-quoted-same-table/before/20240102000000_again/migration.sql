CREATE TABLE "users" ("id" TEXT NOT NULL, "email" TEXT);
