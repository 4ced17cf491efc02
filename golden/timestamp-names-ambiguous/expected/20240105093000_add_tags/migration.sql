-- CreateTable
CREATE TABLE "tags" ("id" TEXT NOT NULL, "postId" TEXT, CONSTRAINT "tags_pkey" PRIMARY KEY ("id"));

-- AddForeignKey
ALTER TABLE "tags" ADD CONSTRAINT "tags_postId_fkey" FOREIGN KEY ("postId") REFERENCES "posts"("id") ON DELETE SET NULL ON UPDATE CASCADE;
