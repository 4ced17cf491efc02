CREATE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
  NEW."updatedAt" = now() AT TIME ZONE 'utc';
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION post_total() RETURNS bigint AS $$ SELECT count(*) FROM "Post" $$ LANGUAGE sql;
