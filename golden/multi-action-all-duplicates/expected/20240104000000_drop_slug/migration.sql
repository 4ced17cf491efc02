DROP INDEX "billing"."Order_slug_key";
