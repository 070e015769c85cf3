-- CreateTable
CREATE TABLE "HostHealth" (
    "hostId" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "severity" INTEGER NOT NULL,
    "fail" INTEGER NOT NULL,
    "warn" INTEGER NOT NULL,
    "unknown" INTEGER NOT NULL,
    "auditedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HostHealth_pkey" PRIMARY KEY ("hostId")
);

-- CreateTable
CREATE TABLE "CapacitySample" (
    "hostId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created" INTEGER NOT NULL,
    "ready" INTEGER NOT NULL,
    "needsBind" INTEGER NOT NULL,
    "assigned" INTEGER NOT NULL,
    "devices" INTEGER NOT NULL,
    "devicesReady" INTEGER NOT NULL,
    "devicesAssigned" INTEGER NOT NULL,

    CONSTRAINT "CapacitySample_pkey" PRIMARY KEY ("hostId","at")
);

-- CreateIndex
CREATE INDEX "HostHealth_severity_idx" ON "HostHealth"("severity");

-- CreateIndex
CREATE INDEX "CapacitySample_at_idx" ON "CapacitySample"("at");

-- AddForeignKey
ALTER TABLE "HostHealth" ADD CONSTRAINT "HostHealth_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CapacitySample" ADD CONSTRAINT "CapacitySample_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;
