-- AlterEnum
ALTER TYPE "Role" RENAME TO "AccessRole";
