-- hand-written: add CASH if it is missing
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_enum WHERE enumlabel = 'CASH') THEN
    ALTER TYPE "PaymentProvider" ADD VALUE 'CASH';
  END IF;
END $$;
