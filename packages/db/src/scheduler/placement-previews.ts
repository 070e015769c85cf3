import type { Placement } from "@vfleet/core";
import { randomUUID } from "node:crypto";
import { batchWhileBusy } from "../batch-while-busy.ts";
import type { Db } from "../create-db.ts";
import type { Prisma } from "../generated/prisma/client.ts";

/** How long a dry run can be confirmed: long enough to read it, short enough that it is still the fleet's picture. */
export const PREVIEW_TTL_MS = 10 * 60 * 1000;

export type StoredPreview = { id: string; createdBy: string; poolName: string; request: unknown; placements: Placement[]; expiresAt: Date };

/** Expired previews are dropped by a save at most this often per client: a statement per dry run otherwise. */
const SWEEP_EVERY_MS = 30_000;
const sweptAt = new WeakMap<Db, number>();

type NewPreview = { createdBy: string; poolName: string; request: unknown; placements: Placement[]; now?: Date };

/** Keep a dry run's placements (one per guest) under a new id, and drop expired ones on the way. */
export async function savePlacementPreview(db: Db, input: NewPreview): Promise<StoredPreview> {
  const now = input.now ?? new Date();
  if (now.getTime() - (sweptAt.get(db) ?? -Infinity) >= SWEEP_EVERY_MS) {
    sweptAt.set(db, now.getTime());
    await db.placementPreview.deleteMany({ where: { expiresAt: { lt: now } } });
  }
  return insertPreview(db, { ...input, now });
}

/** Concurrent dry runs' previews in one insert (ids drawn here, so no row needs reading back). */
const insertPreview = batchWhileBusy(async (db: Db, inputs: (NewPreview & { now: Date })[]): Promise<StoredPreview[]> => {
  const rows = inputs.map((input) => ({
    id: randomUUID(),
    createdBy: input.createdBy,
    poolName: input.poolName,
    request: input.request,
    placements: input.placements,
    expiresAt: new Date(input.now.getTime() + PREVIEW_TTL_MS),
  }));
  await db.placementPreview.createMany({
    data: rows.map((r) => ({
      ...r,
      request: r.request as Prisma.InputJsonValue,
      placements: r.placements as unknown as Prisma.InputJsonValue,
    })),
  });
  return rows;
});

/** A preview still open for confirmation, or null (never made, expired, or confirmed already). */
export async function readPlacementPreview(db: Db, id: string, now = new Date()): Promise<StoredPreview | null> {
  const row = await db.placementPreview.findUnique({ where: { id } });
  if (!row || row.expiresAt < now) return null;
  return { ...row, placements: row.placements as unknown as Placement[] };
}

/** A confirmed preview is spent: its VFs are reserved now, and a second confirm must not run it again. */
export async function dropPlacementPreview(db: Db, id: string): Promise<void> {
  await db.placementPreview.deleteMany({ where: { id } });
}
