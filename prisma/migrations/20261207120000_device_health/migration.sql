-- AlterTable
ALTER TABLE "PciDevice" ADD COLUMN     "aer" JSONB;

-- AlterTable
ALTER TABLE "Pool" ADD COLUMN     "health" JSONB;

-- CreateTable
CREATE TABLE "DeviceHealth" (
    "hostId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "baseline" JSONB,
    "baselineAt" TIMESTAMP(3),

    CONSTRAINT "DeviceHealth_pkey" PRIMARY KEY ("hostId","address")
);

-- AddForeignKey
ALTER TABLE "DeviceHealth" ADD CONSTRAINT "DeviceHealth_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;
