import type { Db } from "./create-db.ts";

/** A thief retrying in a loop must not flood the audit log: one event per host per this, the count on the host keeps every one. */
export const CREDENTIAL_CONFLICT_AUDIT_EVERY_MS = 60_000;

/** A connection: where it came from, since when, and the control-plane process serving it. */
export type AgentConnectionInfo = { remote: string | null; since?: Date; processId?: string };

/**
 * A second connection with a host's agent credential was refused while the first was alive:
 * flag the host (`credentialConflictAt`, `credentialConflicts`: the host page and API show it)
 * and write `agent.credential-conflict` to the audit log naming both connections, the one kept
 * and the one refused. Returns whether an audit event was written (at most one a minute per host).
 */
export async function recordCredentialConflict(
  db: Db,
  p: { hostId: string; hostName: string; kept: AgentConnectionInfo; refused: AgentConnectionInfo; now?: Date },
): Promise<{ audited: boolean; conflicts: number }> {
  const now = p.now ?? new Date();
  return db.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<
      { at: Date | null }[]
    >`SELECT "credentialConflictAt" AS at FROM "Host" WHERE id = ${p.hostId} FOR UPDATE`;
    const host = await tx.host.update({
      where: { id: p.hostId },
      data: { credentialConflictAt: now, credentialConflicts: { increment: 1 } },
      select: { credentialConflicts: true },
    });
    const audited = !before?.at || now.getTime() - before.at.getTime() >= CREDENTIAL_CONFLICT_AUDIT_EVERY_MS;
    if (audited) {
      const since = p.kept.since ? ` since ${p.kept.since.toISOString()}` : "";
      const keptElsewhere =
        p.kept.processId && p.kept.processId !== p.refused.processId ? ` on control-plane process ${p.kept.processId}` : "";
      await tx.auditEvent.create({
        data: {
          actor: `agent ${p.hostName}`,
          action: "agent.credential-conflict",
          hostId: p.hostId,
          summary: `a second connection with this host's agent credential (from ${p.refused.remote ?? "unknown"}) was refused: the connection from ${p.kept.remote ?? "unknown"}${since}${keptElsewhere} is alive and kept. If no agent was restarted here, the credential is copied or stolen: revoke it and enroll the host again.`,
          before: { kept: { remote: p.kept.remote, since: p.kept.since?.toISOString() ?? null, process: p.kept.processId ?? null } },
          after: {
            refused: { remote: p.refused.remote, at: now.toISOString(), process: p.refused.processId ?? null },
            conflicts: host.credentialConflicts,
          },
        },
      });
    }
    return { audited, conflicts: host.credentialConflicts };
  });
}
