import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { PlacementPost } from "@/lib/placement/placement-api-schemas.ts";
import { respondToConfirm, respondToPlacement } from "@/lib/placement/placement-response.ts";
import { badRequest, parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `POST /api/v1/placements` { pool, count, numa?, link?, strategy?, minPfs?, maxPerPf?, host?,
 * hostLabels?, guest: { name, host?, vcpus?, memoryMiB?, numaNode? }, replicas?, guests?,
 * antiAffinity?, macs? | allocateMacs?, vlan?, trust?, spoofchk?, dryRun? }, or { confirm: id }
 * to run a dry run's preview exactly. Role: operator (dry runs too: the role is checked per method).
 */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, PlacementPost);
  if (!body.success) return body.response;
  const ctx = getControlPlaneContext();
  if ("confirm" in body.data) {
    const confirmer = requestIdentity(request);
    return confirmer.ok ? respondToConfirm(ctx, body.data.confirm, confirmer.actor) : confirmer.response;
  }
  const pool = await ctx.queries.getPool(ctx.db, body.data.pool);
  if (!pool) return badRequest("pool", `no pool named ${body.data.pool}`);
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  return respondToPlacement(ctx, body.data, pool, caller.actor);
}

export const POST = withAccess("operator", idempotent(post));
