-- CreateTable
CREATE TABLE "traces" (
    "id" TEXT NOT NULL,
    "name" TEXT,

    CONSTRAINT "traces_pkey" PRIMARY KEY ("id")
);
