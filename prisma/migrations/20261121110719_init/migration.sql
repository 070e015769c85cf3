-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "VfLinkState" AS ENUM ('auto', 'enable', 'disable');

-- CreateEnum
CREATE TYPE "HostdevKind" AS ENUM ('hostdev', 'interface');

-- CreateTable
CREATE TABLE "Host" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "online" BOOLEAN NOT NULL DEFAULT false,
    "lastSeenAt" TIMESTAMP(3),
    "connectedAt" TIMESTAMP(3),
    "agentVersion" TEXT,
    "protocolVersion" TEXT,
    "snapshotHash" TEXT,
    "snapshotAt" TIMESTAMP(3),
    "facts" JSONB,
    "capacity" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Host_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentCredential" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "AgentCredential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EnrollmentToken" (
    "id" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "hostName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "hostId" TEXT,

    CONSTRAINT "EnrollmentToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IommuGroup" (
    "hostId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,

    CONSTRAINT "IommuGroup_pkey" PRIMARY KEY ("hostId","number")
);

-- CreateTable
CREATE TABLE "PciDevice" (
    "hostId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "vendorId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "subsystemVendorId" TEXT,
    "subsystemDeviceId" TEXT,
    "classCode" TEXT NOT NULL,
    "revision" TEXT,
    "driver" TEXT,
    "driverOverride" TEXT,
    "iommuGroup" INTEGER,
    "numaNode" INTEGER,
    "physfn" TEXT,
    "vfIndex" INTEGER,
    "msixVectors" INTEGER,
    "hasLink" BOOLEAN NOT NULL,
    "linkCurrentSpeed" TEXT,
    "linkCurrentWidth" INTEGER,
    "linkMaxSpeed" TEXT,
    "linkMaxWidth" INTEGER,
    "netInterfaces" TEXT[],

    CONSTRAINT "PciDevice_pkey" PRIMARY KEY ("hostId","address")
);

-- CreateTable
CREATE TABLE "PhysicalFunction" (
    "hostId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "totalVfs" INTEGER NOT NULL,
    "numVfs" INTEGER NOT NULL,
    "vfDeviceId" TEXT,
    "offset" INTEGER,
    "stride" INTEGER,
    "driversAutoprobe" BOOLEAN,

    CONSTRAINT "PhysicalFunction_pkey" PRIMARY KEY ("hostId","address")
);

-- CreateTable
CREATE TABLE "VirtualFunction" (
    "hostId" TEXT NOT NULL,
    "pfAddress" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "address" TEXT,
    "hasConfig" BOOLEAN NOT NULL,
    "mac" TEXT,
    "vlan" INTEGER,
    "qos" INTEGER,
    "spoofchk" BOOLEAN,
    "trust" BOOLEAN,
    "linkState" "VfLinkState",

    CONSTRAINT "VirtualFunction_pkey" PRIMARY KEY ("hostId","pfAddress","index")
);

-- CreateTable
CREATE TABLE "NetInterface" (
    "hostId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "mac" TEXT,
    "carrier" BOOLEAN,
    "operstate" TEXT,
    "pciAddress" TEXT,
    "master" TEXT,

    CONSTRAINT "NetInterface_pkey" PRIMARY KEY ("hostId","name")
);

-- CreateTable
CREATE TABLE "Guest" (
    "hostId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "uuid" TEXT,
    "state" TEXT NOT NULL,
    "vcpus" INTEGER NOT NULL,
    "memoryKiB" BIGINT NOT NULL,
    "machine" TEXT,
    "cpuset" TEXT,
    "hugepages" BOOLEAN NOT NULL,
    "pcieRootPorts" INTEGER NOT NULL,
    "memoryHardLimitKiB" BIGINT,
    "numaMemoryNodes" TEXT,

    CONSTRAINT "Guest_pkey" PRIMARY KEY ("hostId","name")
);

-- CreateTable
CREATE TABLE "GuestHostdev" (
    "hostId" TEXT NOT NULL,
    "guestName" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "HostdevKind" NOT NULL,
    "address" TEXT NOT NULL,
    "managed" BOOLEAN NOT NULL,
    "mac" TEXT,
    "vlan" INTEGER,

    CONSTRAINT "GuestHostdev_pkey" PRIMARY KEY ("hostId","guestName","position")
);

-- CreateIndex
CREATE UNIQUE INDEX "Host_name_key" ON "Host"("name");

-- CreateIndex
CREATE INDEX "Host_online_lastSeenAt_idx" ON "Host"("online", "lastSeenAt");

-- CreateIndex
CREATE UNIQUE INDEX "AgentCredential_secretHash_key" ON "AgentCredential"("secretHash");

-- CreateIndex
CREATE INDEX "AgentCredential_hostId_idx" ON "AgentCredential"("hostId");

-- CreateIndex
CREATE UNIQUE INDEX "EnrollmentToken_tokenHash_key" ON "EnrollmentToken"("tokenHash");

-- CreateIndex
CREATE INDEX "EnrollmentToken_hostId_idx" ON "EnrollmentToken"("hostId");

-- CreateIndex
CREATE INDEX "PciDevice_hostId_iommuGroup_idx" ON "PciDevice"("hostId", "iommuGroup");

-- CreateIndex
CREATE INDEX "PciDevice_hostId_physfn_idx" ON "PciDevice"("hostId", "physfn");

-- CreateIndex
CREATE INDEX "VirtualFunction_hostId_address_idx" ON "VirtualFunction"("hostId", "address");

-- CreateIndex
CREATE INDEX "NetInterface_hostId_pciAddress_idx" ON "NetInterface"("hostId", "pciAddress");

-- CreateIndex
CREATE INDEX "GuestHostdev_hostId_address_idx" ON "GuestHostdev"("hostId", "address");

-- AddForeignKey
ALTER TABLE "AgentCredential" ADD CONSTRAINT "AgentCredential_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnrollmentToken" ADD CONSTRAINT "EnrollmentToken_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IommuGroup" ADD CONSTRAINT "IommuGroup_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PciDevice" ADD CONSTRAINT "PciDevice_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PciDevice" ADD CONSTRAINT "PciDevice_hostId_iommuGroup_fkey" FOREIGN KEY ("hostId", "iommuGroup") REFERENCES "IommuGroup"("hostId", "number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PhysicalFunction" ADD CONSTRAINT "PhysicalFunction_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PhysicalFunction" ADD CONSTRAINT "PhysicalFunction_hostId_address_fkey" FOREIGN KEY ("hostId", "address") REFERENCES "PciDevice"("hostId", "address") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VirtualFunction" ADD CONSTRAINT "VirtualFunction_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VirtualFunction" ADD CONSTRAINT "VirtualFunction_hostId_pfAddress_fkey" FOREIGN KEY ("hostId", "pfAddress") REFERENCES "PhysicalFunction"("hostId", "address") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NetInterface" ADD CONSTRAINT "NetInterface_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Guest" ADD CONSTRAINT "Guest_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GuestHostdev" ADD CONSTRAINT "GuestHostdev_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GuestHostdev" ADD CONSTRAINT "GuestHostdev_hostId_guestName_fkey" FOREIGN KEY ("hostId", "guestName") REFERENCES "Guest"("hostId", "name") ON DELETE CASCADE ON UPDATE CASCADE;
