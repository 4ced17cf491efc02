DROP FUNCTION IF EXISTS "total_rows"();
CREATE OR REPLACE FUNCTION total_rows() RETURNS bigint AS $$ SELECT count(*) FROM "t" $$ LANGUAGE sql;
