import { getControlPlaneContext } from "@/lib/control-plane-context.ts";

/**
 * `GET /api/v1/assignments?hostId=&guest=` -> { assignments: [{ host, address, pf, guest, pool,
 * state, planId, mac, vlan, createdBy, reservedAt, assignedAt, previous, drift }], outside: [...] }
 * (`outside`: VFs guests hold that vfleet never assigned). Role: viewer.
 */
export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const hostId = url.searchParams.get("hostId") ?? undefined;
  const guest = url.searchParams.get("guest") ?? undefined;
  const { db, queries } = getControlPlaneContext();
  return Response.json(await queries.listAssignments(db, { hostId, guest }));
}
