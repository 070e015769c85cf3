import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { PoolBody } from "@/lib/placement/placement-api-schemas.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `GET /api/v1/pools` -> { pools }. Role: viewer. */
export const GET = withAccess("viewer", async (_request: Request): Promise<Response> => {
  const { db, queries } = getControlPlaneContext();
  return Response.json({ pools: await queries.listPools(db) });
});

/** `POST /api/v1/pools` { name, selector, macRange?, strategy?, health? } -> 201 { pool }; 409 when the name is taken. Role: operator. */
async function post(request: Request): Promise<Response> {
  const body = await parseJsonBody(request, PoolBody);
  if (!body.success) return body.response;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { db, queries } = getControlPlaneContext();
  const saved = await queries.savePool(db, {
    pool: {
      name: body.data.name,
      selector: body.data.selector,
      macRange: body.data.macRange ?? null,
      strategy: body.data.strategy ?? null,
      health: body.data.health ?? null,
    },
    actor: caller.actor,
    create: true,
  });
  if (!saved.ok)
    return Response.json(
      { error: `name: a pool named ${body.data.name} already exists (PUT /api/v1/pools/${body.data.name} changes it)`, field: "name" },
      { status: 409 },
    );
  return Response.json({ pool: saved.pool }, { status: 201 });
}

export const POST = withAccess("operator", idempotent(post));
