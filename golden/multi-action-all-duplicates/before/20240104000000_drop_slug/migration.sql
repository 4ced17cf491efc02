ALTER TABLE "billing"."Order" DROP CONSTRAINT "Order_slug_key";
