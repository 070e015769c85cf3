import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { ReleasePost } from "@/lib/placement/placement-api-schemas.ts";
import { releaseAssignments, releaseGroup } from "@/lib/placement/release-assignments.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `POST /api/v1/assignments/release` { hostId, guest, addresses?, driver?: "host" | "vfio-pci",
 * removeVfs?, dryRun?, basis? | force? } -> 201 { plan, jobs, notes } (detach, driver, MAC/VLAN
 * restore); or a group, all or nothing: { guests: [names], driver?, removeVfs?, dryRun?, bases? |
 * force? } -> dry run { bases, releases }, 201 { releases: [{ hostId, guest, plan, jobs, notes }] }.
 * Role: operator.
 */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, ReleasePost);
  if (!body.success) return body.response;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  return "guests" in body.data
    ? releaseGroup(getControlPlaneContext(), body.data, caller.actor)
    : releaseAssignments(getControlPlaneContext(), body.data, caller.actor);
}

export const POST = withAccess("operator", idempotent(post));
