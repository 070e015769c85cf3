import type { Placement } from "@vfleet/core";
import type { Db } from "../create-db.ts";
import type { Prisma } from "../generated/prisma/client.ts";

/** How long a dry run can be confirmed: long enough to read it, short enough that it is still the fleet's picture. */
export const PREVIEW_TTL_MS = 10 * 60 * 1000;

export type StoredPreview = { id: string; createdBy: string; poolName: string; request: unknown; placements: Placement[]; expiresAt: Date };

/** Expired previews are dropped by a save at most this often per client: a statement per dry run otherwise. */
const SWEEP_EVERY_MS = 30_000;
const sweptAt = new WeakMap<Db, number>();

/** Keep a dry run's placements (one per guest) under a new id, and drop expired ones on the way. */
export async function savePlacementPreview(
  db: Db,
  input: { createdBy: string; poolName: string; request: unknown; placements: Placement[]; now?: Date },
): Promise<StoredPreview> {
  const now = input.now ?? new Date();
  if (now.getTime() - (sweptAt.get(db) ?? -Infinity) >= SWEEP_EVERY_MS) {
    sweptAt.set(db, now.getTime());
    await db.placementPreview.deleteMany({ where: { expiresAt: { lt: now } } });
  }
  const row = await db.placementPreview.create({
    data: {
      createdBy: input.createdBy,
      poolName: input.poolName,
      request: input.request as Prisma.InputJsonValue,
      placements: input.placements as unknown as Prisma.InputJsonValue,
      expiresAt: new Date(now.getTime() + PREVIEW_TTL_MS),
    },
  });
  return { ...row, placements: input.placements };
}

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
