-- Dropped and created again: not a duplicate
DROP TABLE "user";
CREATE TABLE "user" ("id" TEXT NOT NULL, "name" TEXT);

-- Renamed away, and the name reused
ALTER TABLE "invoices" RENAME TO "invoices_old";
CREATE TABLE "invoices" ("id" TEXT NOT NULL, "total" INTEGER);

-- Guarded creation inside a DO block
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'Mood') THEN
        CREATE TYPE "Mood" AS ENUM ('HAPPY', 'SAD');
    END IF;
END $$;

-- IF NOT EXISTS is not a duplicate
CREATE TABLE IF NOT EXISTS "User" ("id" TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS "user_name_idx" ON "user"("name");
