-- DropIndex
DROP INDEX "pickup_locations_value_clientId_key";
