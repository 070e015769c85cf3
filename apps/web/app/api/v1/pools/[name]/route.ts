import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { PoolBody } from "@/lib/placement/placement-api-schemas.ts";
import { unknownPool } from "@/lib/placement/pool-response.ts";
import { badRequest, parseJsonBody } from "@/lib/parse-json-body.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

type Ctx = { params: Promise<{ name: string }> };

/** `GET /api/v1/pools/:name` -> { pool }. Role: viewer. */
export const GET = withAccess("viewer", async (_request: Request, ctx: Ctx): Promise<Response> => {
  const { name } = await ctx.params;
  const { db, queries } = getControlPlaneContext();
  const pool = await queries.getPool(db, name);
  return pool ? Response.json({ pool }) : unknownPool(name, "name");
});

/** `PUT /api/v1/pools/:name` { name, selector, macRange?, strategy? } -> { pool } (replaces the selector). Role: operator. */
export const PUT = withAccess("operator", async (request: Request, ctx: Ctx): Promise<Response> => {
  const { name } = await ctx.params;
  const body = await parseJsonBody(request, PoolBody);
  if (!body.success) return body.response;
  if (body.data.name !== name) return badRequest("name", `must be ${name} (the pool in the URL); pools are not renamed`);
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { db, queries } = getControlPlaneContext();
  const saved = await queries.savePool(db, {
    pool: { name, selector: body.data.selector, macRange: body.data.macRange ?? null, strategy: body.data.strategy ?? null },
    actor: caller.actor,
    create: false,
  });
  return saved.ok ? Response.json({ pool: saved.pool }) : unknownPool(name, "name");
});
