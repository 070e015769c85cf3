import type { Pool, PoolSelector } from "@vfleet/core";
import type { Db } from "../create-db.ts";
import { Prisma } from "../generated/prisma/client.ts";

export type PoolView = Pool & { kind: "vf" | "device"; createdBy: string; createdAt: string; updatedAt: string };

type PoolRow = {
  name: string;
  kind: string;
  selector: unknown;
  macFrom: string | null;
  macTo: string | null;
  strategy: string | null;
  health: unknown;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
};

export const toPoolView = (r: PoolRow): PoolView => ({
  name: r.name,
  kind: r.kind === "device" ? "device" : "vf",
  selector: r.selector as PoolSelector,
  macRange: r.macFrom && r.macTo ? { from: r.macFrom, to: r.macTo } : null,
  strategy: r.strategy === "pack" || r.strategy === "spread" ? r.strategy : null,
  health: (r.health ?? null) as PoolView["health"],
  createdBy: r.createdBy,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** Create a pool (`create: true`: a name already taken is `exists`) or replace an existing one's selector. */
export async function savePool(
  db: Db,
  p: { pool: Pool; actor: string; create: boolean },
): Promise<{ ok: true; pool: PoolView } | { ok: false; reason: "exists" | "not-found" }> {
  const data = {
    kind: p.pool.selector.kind ?? "vf",
    selector: p.pool.selector as Prisma.InputJsonValue,
    macFrom: p.pool.macRange?.from ?? null,
    macTo: p.pool.macRange?.to ?? null,
    strategy: p.pool.strategy ?? null,
    health: p.pool.health ? (p.pool.health as Prisma.InputJsonValue) : Prisma.DbNull,
  };
  try {
    // The pool and its audit event in one transaction: PostgreSQL dying between two separate writes
    // left a pool the request answered 503 for, and its retry with the same Idempotency-Key got 409.
    const row = await db.$transaction(async (tx) => {
      const saved = p.create
        ? await tx.pool.create({ data: { name: p.pool.name, createdBy: p.actor, ...data } })
        : await tx.pool.update({ where: { name: p.pool.name }, data });
      await tx.auditEvent.create({
        data: {
          actor: p.actor,
          action: p.create ? "pool.created" : "pool.updated",
          summary: `pool ${p.pool.name}`,
          after: data as Prisma.InputJsonValue,
        },
      });
      return saved;
    });
    return { ok: true, pool: toPoolView(row) };
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return { ok: false, reason: "exists" };
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2025") return { ok: false, reason: "not-found" };
    throw err;
  }
}
