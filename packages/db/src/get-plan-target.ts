import type { AgentAdoption, Inventory } from "@vfleet/protocol";
import type { Db } from "./create-db.ts";
import { readInventory, type InventoryCache } from "./get-host.ts";
import { Prisma } from "./generated/prisma/client.ts";
import { placementVersion } from "./scheduler/load-pool-summaries.ts";

/** What a host's jobs are checked against: its agent's protocol and adoption policy, a revoked credential, its inventory. */
export type PlanTarget = {
  summary: { protocolVersion: string | null; adoption: AgentAdoption | null };
  inventory: Inventory | null;
  credentialRevokedAt: Date | null;
  /** The host's placement version now (loadPoolSummaries'): a decision made on rows of another version used stale rows. */
  placementVersion: string;
};

/**
 * getHost's answer as the scheduler's plan checks use it, in one small statement (getHost reads
 * the whole summary: facts, capacity, health, every credential, through three queries) and the
 * inventory kept by snapshot hash. Null for an unknown host.
 */
export async function getPlanTarget(db: Db, hostId: string, opts: { cache?: InventoryCache } = {}): Promise<PlanTarget | null> {
  const [row] = await db.$queryRaw<
    {
      protocolVersion: string | null;
      adoption: unknown;
      hash: string | null;
      live: boolean;
      revokedAt: Date | null;
      version: string | null;
    }[]
  >`
    SELECT h."protocolVersion", h.adoption, h."snapshotHash" AS hash,
      NOT EXISTS (SELECT 1 FROM "AgentCredential" c WHERE c."hostId" = h.id) OR EXISTS (SELECT 1 FROM "AgentCredential" c WHERE c."hostId" = h.id AND c."revokedAt" IS NULL) AS live,
      (SELECT max(c."revokedAt") FROM "AgentCredential" c WHERE c."hostId" = h.id) AS "revokedAt",
      ${placementVersion(Prisma.raw("h"))} AS version
    FROM "Host" h WHERE h.id = ${hostId}`;
  if (!row) return null;
  return {
    summary: { protocolVersion: row.protocolVersion, adoption: row.adoption as AgentAdoption | null },
    inventory: opts.cache?.get(hostId, row.hash) ?? (await readInventory(db, hostId, opts.cache)),
    credentialRevokedAt: row.live ? null : row.revokedAt,
    placementVersion: row.version ?? "",
  };
}
