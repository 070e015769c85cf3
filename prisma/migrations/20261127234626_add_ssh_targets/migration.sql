-- CreateTable
CREATE TABLE "SshTarget" (
    "id" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "user" TEXT NOT NULL,
    "hostName" TEXT NOT NULL,
    "hostKeySha256" TEXT NOT NULL,
    "hostId" TEXT,
    "agentSha256" TEXT,
    "installedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SshTarget_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SshTarget_address_port_key" ON "SshTarget"("address", "port");
