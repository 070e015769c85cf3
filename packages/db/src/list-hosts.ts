import type { Db } from "./create-db.ts";
import { HOST_SUMMARY_SELECT, toHostSummary, type HostSummary } from "./host-summary.ts";

/** Every host not removed, by name. */
export async function listHosts(db: Db): Promise<HostSummary[]> {
  const hosts = await db.host.findMany({ where: { removedAt: null }, select: HOST_SUMMARY_SELECT, orderBy: { name: "asc" } });
  return hosts.map(toHostSummary);
}
