import type { Prisma } from "../generated/prisma/client.ts";
import { JOB_HOLDS_MAC } from "./find-mac-users.ts";

type Tx = Prisma.TransactionClient;

/** A MAC a job gives on a VLAN (untagged is 0), what gets it, and the request field that set it. */
export type MacClaim = { vlan: number; mac: string; target: string; field: string };

export type MacTaken = { field: string; key: string; jobId: string; summary: string | null; createdBy: string | null };

/**
 * Write the MAC claims of a request's jobs in its transaction: one row per (VLAN, MAC), primary
 * key, so two requests giving one MAC on one VLAN (on any hosts) at the same instant cannot both
 * commit: the second insert waits for the first transaction and then sees its row. A claim is
 * taken over when its job no longer needs it: ended, and not a success the host's stored
 * inventory does not show yet (JOB_HOLDS_MAC, the rule findMacUsers uses), or the same device given its
 * MAC again. Returns the first claim another job holds, or null when all are written.
 * (Why not one `ON CONFLICT DO UPDATE ... WHERE <the holder's job is done>`: that WHERE reads the
 * Job table with the statement's snapshot, taken before the concurrent holder committed, so it
 * found no holder and both requests won. The test of four hosts at once caught it.)
 */
export async function holdMacClaims(tx: Tx, hostId: string, claims: { jobId: string; claim: MacClaim }[]): Promise<MacTaken | null> {
  const unique = new Map<string, { jobId: string; claim: MacClaim; mac: string }>();
  for (const c of claims) {
    const mac = c.claim.mac.toLowerCase();
    if (!unique.has(`${c.claim.vlan}/${mac}`)) unique.set(`${c.claim.vlan}/${mac}`, { ...c, mac });
  }
  if (unique.size === 0) return null;
  const rows = [...unique.values()];
  const written = await tx.$queryRaw<{ vlan: number; mac: string }[]>`
    INSERT INTO "MacClaim" (vlan, mac, "hostId", target, "jobId")
    SELECT * FROM unnest(${rows.map((r) => r.claim.vlan)}::int[], ${rows.map((r) => r.mac)}::text[], ${rows.map(() => hostId)}::text[], ${rows.map((r) => r.claim.target)}::text[], ${rows.map((r) => r.jobId)}::text[])
    ON CONFLICT (vlan, mac) DO NOTHING
    RETURNING vlan, mac`;
  const got = new Set(written.map((w) => `${w.vlan}/${w.mac}`));
  for (const r of rows.filter((x) => !got.has(`${x.claim.vlan}/${x.mac}`))) {
    // The insert waited for the holder's transaction; lock its row, then decide in a new statement
    // (READ COMMITTED: a new snapshot, which sees the holder's job; one statement would not).
    const [held] = await tx.$queryRaw<{ jobId: string; hostId: string; target: string }[]>`
      SELECT "jobId", "hostId", target FROM "MacClaim" WHERE vlan = ${r.claim.vlan} AND mac = ${r.mac} FOR UPDATE`;
    if (held && !(held.hostId === hostId && held.target === r.claim.target)) {
      const [holder] = await tx.$queryRaw<{ summary: string; createdBy: string; hostName: string }[]>`
        SELECT j.summary, j."createdBy", h.name AS "hostName" FROM "Job" j JOIN "Host" h ON h.id = j."hostId"
         WHERE j.id = ${held.jobId}
           AND ${JOB_HOLDS_MAC}`;
      if (holder) {
        return {
          field: r.claim.field,
          key: `mac:${r.claim.vlan}/${r.mac}`,
          jobId: held.jobId,
          summary: `${held.target} on ${holder.hostName}: ${holder.summary}`,
          createdBy: holder.createdBy,
        };
      }
    }
    await tx.$executeRaw`
      INSERT INTO "MacClaim" (vlan, mac, "hostId", target, "jobId") VALUES (${r.claim.vlan}, ${r.mac}, ${hostId}, ${r.claim.target}, ${r.jobId})
      ON CONFLICT (vlan, mac) DO UPDATE SET "hostId" = EXCLUDED."hostId", target = EXCLUDED.target, "jobId" = EXCLUDED."jobId", "createdAt" = now()`;
  }
  return null;
}
