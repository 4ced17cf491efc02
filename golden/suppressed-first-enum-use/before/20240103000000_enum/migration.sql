CREATE TYPE "Priority" AS ENUM ('LOW', 'HIGH');
