-- AlterTable
ALTER TABLE "HostHealth" ADD COLUMN     "checks" TEXT,
ADD COLUMN     "rulesRevision" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "VirtualFunction_mac_idx" ON "VirtualFunction"("mac");
