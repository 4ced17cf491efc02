-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- codemod: re-adds a statement of 20240101000000_add_profile_fields (forward-reference) once its dependencies exist
DO $codemod$
BEGIN
    IF to_regclass('"users"') IS NOT NULL THEN
        ALTER TABLE "users" ADD COLUMN "bio" TEXT,
ADD COLUMN "avatar" TEXT;
    END IF;
END $codemod$;
