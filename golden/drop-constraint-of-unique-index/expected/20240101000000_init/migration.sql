CREATE TABLE "pickup_locations" ("id" TEXT NOT NULL, "value" TEXT NOT NULL, "clientId" TEXT NOT NULL, CONSTRAINT "pickup_locations_pkey" PRIMARY KEY ("id"));

-- CreateIndex
CREATE UNIQUE INDEX "pickup_locations_value_clientId_key" ON "pickup_locations"("value", "clientId");
