-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "removedAt" TIMESTAMP(3);
