-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "maintenanceAt" TIMESTAMP(3),
ADD COLUMN     "maintenanceBy" TEXT,
ADD COLUMN     "maintenanceReason" TEXT;
