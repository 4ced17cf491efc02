-- AlterTable
DROP VIEW "traces_view";
ALTER TABLE "traces" ALTER COLUMN "name" SET DATA TYPE VARCHAR(1000);
CREATE VIEW traces_view AS SELECT t.* FROM "traces" t;
