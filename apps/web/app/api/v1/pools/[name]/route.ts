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

/** `PUT /api/v1/pools/:name` { name, selector, macRange?, strategy?, health? } -> { pool } (replaces the selector). Role: operator. */
export const PUT = withAccess("operator", async (request: Request, ctx: Ctx): Promise<Response> => {
  const { name } = await ctx.params;
  const body = await parseJsonBody(request, PoolBody);
  if (!body.success) return body.response;
  if (body.data.name !== name) return badRequest("name", `must be ${name} (the pool in the URL); pools are not renamed`);
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { db, queries } = getControlPlaneContext();
  const saved = await queries.savePool(db, {
    pool: {
      name,
      selector: body.data.selector,
      macRange: body.data.macRange ?? null,
      strategy: body.data.strategy ?? null,
      health: body.data.health ?? null,
    },
    actor: caller.actor,
    create: false,
  });
  return saved.ok ? Response.json({ pool: saved.pool }) : unknownPool(name, "name");
});

/**
 * `DELETE /api/v1/pools/:name` -> { deleted } (operator). Refused with 409 while the pool holds
 * reservations or assignments (the answer says how many, on which guests): release them first,
 * or the pool's guests would lose the pool their functions came from.
 */
export const DELETE = withAccess("operator", async (request: Request, ctx: Ctx): Promise<Response> => {
  const { name } = await ctx.params;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  const { db } = getControlPlaneContext();
  const outcome = await db.$transaction(async (tx) => {
    const held = await tx.assignment.groupBy({ by: ["guest"], where: { pool: name }, _count: { _all: true }, orderBy: { guest: "asc" } });
    if (held.length > 0) return { kind: "held" as const, held };
    const deleted = await tx.pool.deleteMany({ where: { name } });
    if (deleted.count === 0) return { kind: "missing" as const };
    await tx.auditEvent.create({ data: { actor: caller.actor, action: "pool.deleted", summary: `pool ${name}` } });
    return { kind: "deleted" as const };
  });
  if (outcome.kind === "missing") return unknownPool(name, "name");
  if (outcome.kind === "held") {
    const total = outcome.held.reduce((n, g) => n + g._count._all, 0);
    const guests = outcome.held.map((g) => `${g.guest} (${g._count._all})`).join(", ");
    return Response.json(
      {
        error: `name: pool ${name} holds ${total} reserved or assigned function${total === 1 ? "" : "s"} (${guests}); release them first`,
        field: "name",
      },
      { status: 409 },
    );
  }
  return Response.json({ deleted: name });
});
