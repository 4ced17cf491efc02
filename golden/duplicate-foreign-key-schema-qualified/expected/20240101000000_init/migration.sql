-- CreateTable
CREATE TABLE "public"."BlogPost" (
    "id" TEXT NOT NULL,

    CONSTRAINT "BlogPost_pkey" PRIMARY KEY ("id")
);
