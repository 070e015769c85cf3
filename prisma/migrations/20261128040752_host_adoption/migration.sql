-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "adoption" JSONB;
