import type { Db } from "../create-db.ts";

/** Every MAC the fleet uses: VF settings, guests' interfaces, vfleet's reservations and assignments. */
export async function listUsedMacs(db: Db): Promise<Set<string>> {
  const rows = await db.$queryRaw<{ mac: string }[]>`
    SELECT lower(mac) AS mac FROM "VirtualFunction" WHERE mac IS NOT NULL
    UNION SELECT lower(mac) FROM "GuestHostdev" WHERE mac IS NOT NULL
    UNION SELECT lower(mac) FROM "Assignment" WHERE mac IS NOT NULL
    UNION SELECT lower(mac) FROM "NetInterface" WHERE mac IS NOT NULL`;
  return new Set(rows.map((r) => r.mac));
}
