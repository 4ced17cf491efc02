-- Two tables: quoted names are exact
CREATE TABLE "User" ("id" TEXT NOT NULL);
CREATE TABLE "user" ("id" TEXT NOT NULL);

-- Another schema is another namespace
CREATE SCHEMA IF NOT EXISTS "billing";
CREATE TABLE "billing"."invoices" ("id" TEXT NOT NULL);
CREATE TABLE "invoices" ("id" TEXT NOT NULL);

-- A string with a semicolon; and a comment /* ; */
COMMENT ON TABLE "invoices" IS 'public; not billing';
