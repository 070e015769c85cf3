import type { Db } from "./create-db.ts";

export type HostSessionClaim =
  /** This process holds the host's session now (it was free, already ours, or its holder is gone). */
  | { kind: "claimed" }
  /** Another live process holds a session it heard from lately: refuse the newcomer. */
  | { kind: "held"; processId: string; connectedAt: Date | null; lastSeenAt: Date | null };

/**
 * Take a host's agent session for control-plane process `processId`, deciding across every
 * process sharing the database which of two sockets of one credential keeps the host. The holder
 * keeps it while both hold: its process's heartbeat is younger than `processDeadAfterMs` and the
 * host was heard from (lastSeenAt, written in batches by the holder) within `silentAfterMs`.
 * Otherwise (no holder, this very process, a dead process, a silent session) the claim replaces it.
 *
 * One conditional UPDATE: two processes claiming at once queue on the row lock, and the second
 * re-checks the condition against the first's committed row (sessionProcessId and lastSeenAt
 * just set), so it sees a live holder and is refused. Within one process the credential fence
 * (which can ping its own socket) decides first.
 */
export async function claimHostSession(
  db: Db,
  p: { hostId: string; processId: string; silentAfterMs: number; processDeadAfterMs: number; now?: Date },
): Promise<HostSessionClaim> {
  const now = p.now ?? new Date();
  const silentSince = new Date(now.getTime() - p.silentAfterMs);
  const deadSince = new Date(now.getTime() - p.processDeadAfterMs);
  const claimed = await db.$executeRaw`
    UPDATE "Host" h SET "sessionProcessId" = ${p.processId}, "lastSeenAt" = ${now}
    WHERE h.id = ${p.hostId} AND (
      h."sessionProcessId" IS NULL OR h."sessionProcessId" = ${p.processId}
      OR h."lastSeenAt" IS NULL OR h."lastSeenAt" < ${silentSince}
      OR NOT EXISTS (SELECT 1 FROM "ControlPlaneProcess" cp WHERE cp.id = h."sessionProcessId" AND cp."heartbeatAt" >= ${deadSince})
    )`;
  if (claimed === 1) return { kind: "claimed" };
  const host = await db.host.findUnique({
    where: { id: p.hostId },
    select: { sessionProcessId: true, connectedAt: true, lastSeenAt: true },
  });
  if (!host) throw new Error(`claimHostSession: no host with id ${p.hostId}`);
  if (!host.sessionProcessId) return claimHostSession(db, p); // released in between: claim again
  return { kind: "held", processId: host.sessionProcessId, connectedAt: host.connectedAt, lastSeenAt: host.lastSeenAt };
}

/** The session this process held ended: the host is free for any process (a no-op when another took it since). */
export async function releaseHostSession(db: Db, hostId: string, processId: string): Promise<void> {
  await db.host.updateMany({ where: { id: hostId, sessionProcessId: processId }, data: { sessionProcessId: null } });
}
