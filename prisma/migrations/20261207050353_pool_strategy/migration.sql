-- AlterTable
ALTER TABLE "Pool" ADD COLUMN     "strategy" TEXT;
