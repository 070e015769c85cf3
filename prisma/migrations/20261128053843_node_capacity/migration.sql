-- CreateTable
CREATE TABLE "NodeCapacity" (
    "key" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "driver" TEXT,
    "numaNode" INTEGER,
    "available" INTEGER NOT NULL,
    "ready" INTEGER NOT NULL,
    "bindable" INTEGER NOT NULL,
    "pfs" INTEGER NOT NULL,

    CONSTRAINT "NodeCapacity_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "NodeCapacity_hostId_idx" ON "NodeCapacity"("hostId");

-- CreateIndex
CREATE INDEX "NodeCapacity_vendorId_deviceId_idx" ON "NodeCapacity"("vendorId", "deviceId");

-- AddForeignKey
ALTER TABLE "NodeCapacity" ADD CONSTRAINT "NodeCapacity_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill from the per-PF summary (later rewritten by refreshPfCapacity with it).
INSERT INTO "NodeCapacity" (key, "hostId", "vendorId", "deviceId", driver, "numaNode", available, ready, bindable, pfs)
SELECT "hostId" || '/' || "vendorId" || ':' || "deviceId" || '/' || COALESCE(driver, '') || '/' || COALESCE("numaNode"::text, ''),
  "hostId", "vendorId", "deviceId", driver, "numaNode", sum(ready + bindable + creatable), sum(ready), sum(bindable), count(*) FILTER (WHERE ready + bindable + creatable > 0)
FROM "PfCapacity" GROUP BY "hostId", "vendorId", "deviceId", driver, "numaNode";
