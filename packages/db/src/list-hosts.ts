import type { Db } from "./create-db.ts";
import { HOST_SUMMARY_SELECT, toHostSummary, type HostSummary } from "./host-summary.ts";

/** Every host, by name. */
export async function listHosts(db: Db): Promise<HostSummary[]> {
  const hosts = await db.host.findMany({ select: HOST_SUMMARY_SELECT, orderBy: { name: "asc" } });
  return hosts.map(toHostSummary);
}
