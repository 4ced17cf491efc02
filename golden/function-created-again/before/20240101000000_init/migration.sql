-- CreateTable
CREATE TABLE "Post" (
    "id" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3),

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

CREATE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
  NEW."updatedAt" = now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION post_total() RETURNS integer AS $$ SELECT count(*)::integer FROM "Post" $$ LANGUAGE sql;
