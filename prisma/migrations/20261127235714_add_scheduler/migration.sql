-- CreateEnum
CREATE TYPE "AssignmentState" AS ENUM ('reserved', 'assigned');

-- CreateTable
CREATE TABLE "Pool" (
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "selector" JSONB NOT NULL,
    "macFrom" TEXT,
    "macTo" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Pool_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "HostLabel" (
    "hostId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "HostLabel_pkey" PRIMARY KEY ("hostId","key")
);

-- CreateTable
CREATE TABLE "Assignment" (
    "hostId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "state" "AssignmentState" NOT NULL,
    "guest" TEXT NOT NULL,
    "pool" TEXT,
    "pf" TEXT,
    "planId" TEXT,
    "releasePlanId" TEXT,
    "transient" BOOLEAN NOT NULL DEFAULT false,
    "mac" TEXT,
    "vlan" INTEGER,
    "createdBy" TEXT NOT NULL,
    "reservedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "assignedAt" TIMESTAMP(3),
    "previousDriver" TEXT,
    "previousMac" TEXT,
    "previousVlan" INTEGER,

    CONSTRAINT "Assignment_pkey" PRIMARY KEY ("hostId","address")
);

-- CreateTable
CREATE TABLE "AssignmentEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "hostId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "guest" TEXT NOT NULL,
    "planId" TEXT,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "mac" TEXT,
    "vlan" INTEGER,
    "previous" JSONB,

    CONSTRAINT "AssignmentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PfCapacity" (
    "hostId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "driver" TEXT,
    "numaNode" INTEGER,
    "ready" INTEGER NOT NULL,
    "bindable" INTEGER NOT NULL,
    "creatable" INTEGER NOT NULL,

    CONSTRAINT "PfCapacity_pkey" PRIMARY KEY ("hostId","address")
);

-- CreateIndex
CREATE INDEX "HostLabel_key_value_idx" ON "HostLabel"("key", "value");

-- CreateIndex
CREATE UNIQUE INDEX "Assignment_mac_key" ON "Assignment"("mac");

-- CreateIndex
CREATE INDEX "Assignment_planId_idx" ON "Assignment"("planId");

-- CreateIndex
CREATE INDEX "Assignment_releasePlanId_idx" ON "Assignment"("releasePlanId");

-- CreateIndex
CREATE INDEX "Assignment_hostId_guest_idx" ON "Assignment"("hostId", "guest");

-- CreateIndex
CREATE INDEX "AssignmentEvent_hostId_address_at_idx" ON "AssignmentEvent"("hostId", "address", "at");

-- CreateIndex
CREATE INDEX "AssignmentEvent_hostId_guest_at_idx" ON "AssignmentEvent"("hostId", "guest", "at");

-- CreateIndex
CREATE INDEX "PfCapacity_vendorId_deviceId_idx" ON "PfCapacity"("vendorId", "deviceId");

-- AddForeignKey
ALTER TABLE "HostLabel" ADD CONSTRAINT "HostLabel_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PfCapacity" ADD CONSTRAINT "PfCapacity_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;
