CREATE TABLE "feelings" ("id" TEXT NOT NULL, "mood" "Mood" NOT NULL DEFAULT 'ANGRY');
