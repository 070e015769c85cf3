import { getControlPlaneContext } from "@/lib/control-plane-context.ts";

/** `GET /api/v1/hosts` -> { hosts: HostSummary[] } with each host's capacity totals. */
export async function GET(): Promise<Response> {
  const { db, queries } = getControlPlaneContext();
  return Response.json({ hosts: await queries.listHosts(db) });
}
