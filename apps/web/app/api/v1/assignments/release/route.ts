import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { ReleaseBody } from "@/lib/placement/placement-api-schemas.ts";
import { releaseAssignments } from "@/lib/placement/release-assignments.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `POST /api/v1/assignments/release` { hostId, guest, addresses?, driver?: "host" | "vfio-pci",
 * dryRun? } -> 201 { plan, jobs, notes } (detach, driver, MAC/VLAN restore). Role: operator.
 */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, ReleaseBody);
  if (!body.success) return body.response;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  return releaseAssignments(getControlPlaneContext(), body.data, caller.actor);
}

export const POST = withAccess("operator", idempotent(post));
