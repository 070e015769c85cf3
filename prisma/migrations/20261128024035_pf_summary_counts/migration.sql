-- Summaries written before this migration lack the new counts, which only core's summarizePf can
-- tell: drop them and forget each host's snapshot hash, so every agent sends its inventory again
-- at its next hello and the summary is rebuilt from it (store-snapshot refreshes it).
DELETE FROM "PfCapacity";
UPDATE "Host" SET "snapshotHash" = NULL;

-- AlterTable
ALTER TABLE "PfCapacity" ADD COLUMN     "assigned" INTEGER NOT NULL,
ADD COLUMN     "inUse" INTEGER NOT NULL,
ADD COLUMN     "linkSpeed" TEXT,
ADD COLUMN     "linkWidth" INTEGER,
ADD COLUMN     "netInterfaces" TEXT[],
ADD COLUMN     "reserved" INTEGER NOT NULL;
