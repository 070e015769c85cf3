-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "forced" BOOLEAN NOT NULL DEFAULT false;
