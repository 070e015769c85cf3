-- AlterTable
ALTER TABLE "NetInterface" ADD COLUMN     "speedMbps" INTEGER;

-- AlterTable
ALTER TABLE "NodeCapacity" ADD COLUMN     "portDown" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "PfCapacity" ADD COLUMN     "portNetdev" TEXT,
ADD COLUMN     "portSpeedMbps" INTEGER,
ADD COLUMN     "portState" TEXT;

-- CreateTable
CREATE TABLE "PlacementPreview" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdBy" TEXT NOT NULL,
    "poolName" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "placements" JSONB NOT NULL,

    CONSTRAINT "PlacementPreview_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PlacementPreview_expiresAt_idx" ON "PlacementPreview"("expiresAt");

-- Backfill the PFs' ports from the stored interfaces (later rewritten by refreshPfCapacity), then
-- the per-node sums keyed with the port state (the old keys had none).
UPDATE "PfCapacity" c SET "portNetdev" = n.name, "portState" = CASE WHEN n.carrier THEN 'up' ELSE 'down' END, "portSpeedMbps" = n."speedMbps"
FROM "NetInterface" n WHERE n."hostId" = c."hostId" AND n."pciAddress" = c.address AND n.name = c."netInterfaces"[1];
DELETE FROM "NodeCapacity";
INSERT INTO "NodeCapacity" (key, "hostId", "vendorId", "deviceId", driver, "numaNode", "portDown", available, ready, bindable, pfs)
SELECT "hostId" || '/' || "vendorId" || ':' || "deviceId" || '/' || COALESCE(driver, '') || '/' || COALESCE("numaNode"::text, '') || '/' || ("portState" IS NOT DISTINCT FROM 'down')::text,
  "hostId", "vendorId", "deviceId", driver, "numaNode", "portState" IS NOT DISTINCT FROM 'down', sum(ready + bindable + creatable), sum(ready), sum(bindable), count(*) FILTER (WHERE ready + bindable + creatable > 0)
FROM "PfCapacity" GROUP BY "hostId", "vendorId", "deviceId", driver, "numaNode", "portState" IS NOT DISTINCT FROM 'down';
