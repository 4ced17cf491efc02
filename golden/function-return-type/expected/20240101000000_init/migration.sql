CREATE TABLE "t" ("id" INTEGER NOT NULL);
CREATE FUNCTION total_rows() RETURNS integer AS $$ SELECT count(*)::integer FROM "t" $$ LANGUAGE sql;
