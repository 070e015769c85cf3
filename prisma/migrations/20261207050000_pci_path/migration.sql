-- AlterTable
ALTER TABLE "PciDevice" ADD COLUMN     "pciPath" TEXT;
