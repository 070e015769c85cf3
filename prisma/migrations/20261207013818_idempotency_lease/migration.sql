-- AlterTable
ALTER TABLE "IdempotencyKey" ADD COLUMN     "claimedBy" TEXT,
ADD COLUMN     "leaseUntil" TIMESTAMP(3);

-- Claims still running from before keep the 5-minute takeover they were made with.
UPDATE "IdempotencyKey" SET "leaseUntil" = "createdAt" + interval '5 minutes' WHERE "status" IS NULL;
