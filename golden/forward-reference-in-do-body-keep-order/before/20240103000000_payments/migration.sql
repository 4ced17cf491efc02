-- CreateEnum
CREATE TYPE "PaymentProvider" AS ENUM ('CARD', 'TRANSFER');
