-- DropIndex
ALTER TABLE "pickup_locations" DROP CONSTRAINT "pickup_locations_value_clientId_key";
