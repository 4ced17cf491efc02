-- CreateTable
CREATE TABLE "articles" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    CONSTRAINT "articles_pkey" PRIMARY KEY ("id")
);
