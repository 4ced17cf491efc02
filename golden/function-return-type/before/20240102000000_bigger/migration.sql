CREATE OR REPLACE FUNCTION total_rows() RETURNS bigint AS $$ SELECT count(*) FROM "t" $$ LANGUAGE sql;
