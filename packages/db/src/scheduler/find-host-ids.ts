import type { Db } from "../create-db.ts";

/** Ids of hosts with these names, or of hosts where a libvirt guest of this name is defined. */
export async function findHostIds(db: Db, q: { names?: string[]; guest?: string }): Promise<string[]> {
  const rows = q.names
    ? await db.host.findMany({ where: { name: { in: q.names } }, select: { id: true } })
    : await db.guest.findMany({ where: { name: q.guest ?? "" }, select: { hostId: true } }).then((g) => g.map((r) => ({ id: r.hostId })));
  return rows.map((r) => r.id);
}
