-- CreateTable
CREATE TABLE "articles" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    CONSTRAINT "articles_pkey" PRIMARY KEY ("id")
);

-- codemod: re-adds a statement of 20240102000000_comments (forward-reference) once its dependencies exist
DO $codemod$
BEGIN
    IF to_regclass('"comments"') IS NOT NULL
       AND to_regclass('"articles"') IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'comments_articleId_fkey' AND conrelid = to_regclass('"comments"')) THEN
        ALTER TABLE "comments" ADD CONSTRAINT "comments_articleId_fkey" FOREIGN KEY ("articleId") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE CASCADE;
    END IF;
END $codemod$;

-- codemod: re-adds a statement of 20240102000000_comments (forward-reference) once its dependencies exist
DO $codemod$
BEGIN
    IF to_regclass('"articles"') IS NOT NULL
       AND to_regclass('"articles_slug_idx"') IS NULL THEN
        CREATE INDEX "articles_slug_idx" ON "articles"("slug");
    END IF;
END $codemod$;
