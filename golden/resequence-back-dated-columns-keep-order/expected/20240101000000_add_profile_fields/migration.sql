-- AlterTable
DO $codemod$
BEGIN
    IF to_regclass('"users"') IS NOT NULL THEN
        ALTER TABLE "users" ADD COLUMN "bio" TEXT,
ADD COLUMN "avatar" TEXT;
    END IF;
END $codemod$;
