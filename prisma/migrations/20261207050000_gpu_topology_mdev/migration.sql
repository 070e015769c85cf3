-- AlterTable
ALTER TABLE "Guest" ADD COLUMN     "mdevs" JSONB;

-- AlterTable
ALTER TABLE "PciDevice" ADD COLUMN     "pciPath" TEXT,
ADD COLUMN     "mdevTypes" JSONB;
