import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { operatorOf } from "@/lib/jobs/operator-of.ts";
import { ReleaseBody } from "@/lib/placement/placement-api-schemas.ts";
import { releaseAssignments } from "@/lib/placement/release-assignments.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";

/**
 * `POST /api/v1/assignments/release` { hostId, guest, addresses?, driver?: "host" | "vfio-pci",
 * dryRun?, operator? } -> 201 { plan, jobs, notes } (detach, driver, MAC/VLAN restore). Role: operator.
 */
export async function POST(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, ReleaseBody);
  if (!body.success) return body.response;
  const operator = body.data.dryRun ? { ok: true as const, name: "(dry run)" } : operatorOf(request, body.data.operator);
  if (!operator.ok) return operator.response;
  return releaseAssignments(getControlPlaneContext(), body.data, operator.name);
}
