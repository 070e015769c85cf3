import type { Db } from "../create-db.ts";

/**
 * Which of `guests` vfleet's own guest.define created on the host (a succeeded job naming it).
 * A release undefines only such a guest: one defined by hand or by another tool is never vfleet's
 * to remove.
 */
export async function listGuestsDefinedByVfleet(db: Db, hostId: string, guests: readonly string[]): Promise<Set<string>> {
  if (guests.length === 0) return new Set();
  const rows = await db.job.findMany({
    where: {
      hostId,
      kind: "guest.define",
      state: "succeeded",
      OR: guests.map((name) => ({ params: { path: ["name"], equals: name } })),
    },
    select: { params: true },
  });
  return new Set(rows.map((r) => (r.params as { name: string }).name));
}
