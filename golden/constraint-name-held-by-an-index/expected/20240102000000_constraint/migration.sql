ALTER TABLE "t" DROP CONSTRAINT IF EXISTS "t_code_key";
-- codemod: the unique index "t_code_key" is replaced by the constraint of the same name and columns
DROP INDEX "t_code_key";
ALTER TABLE "t" ADD CONSTRAINT "t_code_key" UNIQUE ("code");
