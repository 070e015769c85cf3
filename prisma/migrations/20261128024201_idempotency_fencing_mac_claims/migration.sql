-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "credentialConflictAt" TIMESTAMP(3),
ADD COLUMN     "credentialConflicts" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "MacClaim" (
    "vlan" INTEGER NOT NULL,
    "mac" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MacClaim_pkey" PRIMARY KEY ("vlan","mac")
);

-- CreateTable
CREATE TABLE "IdempotencyKey" (
    "id" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "status" INTEGER,
    "response" BYTEA,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IdempotencyKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MacClaim_jobId_idx" ON "MacClaim"("jobId");

-- CreateIndex
CREATE INDEX "IdempotencyKey_expiresAt_idx" ON "IdempotencyKey"("expiresAt");

-- AddForeignKey
ALTER TABLE "MacClaim" ADD CONSTRAINT "MacClaim_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MacClaim" ADD CONSTRAINT "MacClaim_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;
