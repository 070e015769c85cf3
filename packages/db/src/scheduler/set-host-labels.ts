import type { Db } from "../create-db.ts";

/** Replace a host's labels; null when the host is unknown. Recorded in the audit log. */
export async function setHostLabels(
  db: Db,
  p: { hostId: string; labels: Record<string, string>; actor: string },
): Promise<Record<string, string> | null> {
  return db.$transaction(async (tx) => {
    const host = await tx.host.findUnique({ where: { id: p.hostId }, select: { id: true, name: true, labels: true } });
    if (!host) return null;
    await tx.hostLabel.deleteMany({ where: { hostId: p.hostId } });
    await tx.hostLabel.createMany({ data: Object.entries(p.labels).map(([key, value]) => ({ hostId: p.hostId, key, value })) });
    await tx.auditEvent.create({
      data: {
        actor: p.actor,
        action: "host.labels",
        hostId: p.hostId,
        summary: `labels of ${host.name}: ${
          Object.entries(p.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(" ") || "(none)"
        }`,
        before: Object.fromEntries(host.labels.map((l) => [l.key, l.value])),
        after: p.labels,
      },
    });
    return p.labels;
  });
}

export async function getHostLabels(db: Db, hostId: string): Promise<Record<string, string>> {
  return Object.fromEntries((await db.hostLabel.findMany({ where: { hostId }, orderBy: { key: "asc" } })).map((l) => [l.key, l.value]));
}
