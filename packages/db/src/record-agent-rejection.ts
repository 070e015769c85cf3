import type { Db } from "./create-db.ts";

/**
 * An authenticated agent's frame was refused (bad schema, a lie the references expose, a hostname
 * its credential does not carry): an audit event, since a host sending such frames is broken,
 * outdated or not who it claims to be, and an operator must be able to find it later, not only in
 * a log. The frame's content is not stored (it was refused); the reason names the field.
 */
export async function recordAgentRejection(
  db: Db,
  p: { hostId: string; hostName: string; closeCode: number; code: string; reason: string },
): Promise<void> {
  await db.auditEvent.create({
    data: {
      actor: `agent ${p.hostName}`,
      action: "agent.rejected",
      hostId: p.hostId,
      summary: `${p.code} (${p.closeCode}): ${p.reason}`.slice(0, 2000),
      after: { closeCode: p.closeCode, code: p.code, reason: p.reason.slice(0, 2000) },
    },
  });
}
