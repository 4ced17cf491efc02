DO $codemod$
BEGIN
    CREATE TYPE "Priority" AS ENUM ('LOW', 'HIGH');
EXCEPTION WHEN duplicate_object THEN NULL;
END $codemod$;
