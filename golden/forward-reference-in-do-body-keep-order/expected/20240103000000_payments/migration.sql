-- CreateEnum
CREATE TYPE "PaymentProvider" AS ENUM ('CARD', 'TRANSFER');

-- codemod: moved here from 20240102000000_cash (forward-reference)
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_enum WHERE enumlabel = 'CASH') THEN
    ALTER TYPE "PaymentProvider" ADD VALUE 'CASH';
  END IF;
END $$;
