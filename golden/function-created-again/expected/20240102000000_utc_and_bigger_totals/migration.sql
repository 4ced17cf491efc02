CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
  NEW."updatedAt" = now() AT TIME ZONE 'utc';
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP FUNCTION IF EXISTS "post_total"();
CREATE OR REPLACE FUNCTION post_total() RETURNS bigint AS $$ SELECT count(*) FROM "Post" $$ LANGUAGE sql;
