-- CreateTable
CREATE TABLE "DeviceQuarantine" (
    "hostId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "reason" TEXT,
    "by" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeviceQuarantine_pkey" PRIMARY KEY ("hostId","address")
);

-- AddForeignKey
ALTER TABLE "DeviceQuarantine" ADD CONSTRAINT "DeviceQuarantine_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;
