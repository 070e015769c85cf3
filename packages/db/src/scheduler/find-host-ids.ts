import { batchWhileBusy } from "../batch-while-busy.ts";
import type { Db } from "../create-db.ts";

/** Ids of hosts with these names, or of hosts where a libvirt guest of this name is defined. */
export async function findHostIds(db: Db, q: { names?: string[]; guest?: string }): Promise<string[]> {
  if (q.names) return (await db.host.findMany({ where: { name: { in: q.names } }, select: { id: true } })).map((r) => r.id);
  return guestHosts(db, q.guest ?? "");
}

/** Every placement asks where its guest is defined: concurrent ones ask together. */
const guestHosts = batchWhileBusy(async (db: Db, names: string[]): Promise<string[][]> => {
  const rows = await db.$queryRaw<
    { name: string; hostId: string }[]
  >`SELECT name, "hostId" FROM "Guest" WHERE name = ANY(${names}::text[])`;
  return names.map((n) => rows.filter((r) => r.name === n).map((r) => r.hostId));
});
