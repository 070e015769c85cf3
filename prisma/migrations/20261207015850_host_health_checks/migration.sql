-- AlterTable
ALTER TABLE "HostHealth" ADD COLUMN     "checks" JSONB,
ADD COLUMN     "rulesRevision" INTEGER NOT NULL DEFAULT 0;
