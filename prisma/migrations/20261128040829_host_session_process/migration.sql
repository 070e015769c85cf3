-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "sessionProcessId" TEXT;
