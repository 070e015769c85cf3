import { randomUUID } from "node:crypto";
import type { Db } from "../create-db.ts";
import { hashIdempotentRequest, idempotencyRowId, openAnswer, type IdempotentAnswer } from "./idempotent-answer.ts";

/** How long a key's answer is kept (a client retries within minutes; a day covers a night's outage). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
/**
 * A running claim is its holder's for this long, and the holder renews it (every third of it)
 * while its request runs and until the answer or the release is written. A claim nobody renews
 * (its process died, or lost PostgreSQL and then died) is taken over by a retry after this: short,
 * so a retry is not refused for a request that is gone, and long enough that a holder that is
 * alive renews it several times over, even through a slow connection.
 */
export const IDEMPOTENCY_LEASE_MS = 30_000;

export type IdempotencyClaim =
  /** The key is this request's now (as `claimId`): run it, renew the lease (`leaseMs`) meanwhile, then save or release. */
  | { kind: "run"; claimId: string; leaseMs: number }
  /** Same key, same request, answered before: replay this. */
  | { kind: "replay"; answer: IdempotentAnswer }
  /** Same key with another method, path or body. */
  | { kind: "mismatch" }
  /** Same key, same request, still running (its holder renews the lease). */
  | { kind: "running" };

/**
 * Take an Idempotency-Key for a request, or say what it already stands for. Expired keys are
 * deleted first (indexed), so a key reused after its lifetime is new again. Two requests with
 * one new key at once: the primary key lets one insert, the other sees it running. A claim
 * whose lease ran out is taken over by compare-and-set on its holder, so of two retries one wins,
 * and the old holder's late writes (conditional on its claimId) change nothing.
 */
export async function claimIdempotencyKey(
  db: Db,
  p: { actor: string; key: string; request: { method: string; path: string; body: string }; now?: Date; ttlMs?: number; leaseMs?: number },
): Promise<IdempotencyClaim> {
  const now = p.now ?? new Date();
  const requestHash = hashIdempotentRequest(p.request);
  const id = idempotencyRowId(p.actor, p.key);
  const expiresAt = new Date(now.getTime() + (p.ttlMs ?? IDEMPOTENCY_TTL_MS));
  const leaseMs = p.leaseMs ?? IDEMPOTENCY_LEASE_MS;
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const claimId = randomUUID();
  await db.idempotencyKey.deleteMany({ where: { expiresAt: { lte: now } } });
  const inserted = await db.$executeRaw`
    INSERT INTO "IdempotencyKey" (id, "requestHash", "createdAt", "expiresAt", "claimedBy", "leaseUntil")
    VALUES (${id}, ${requestHash}, ${now}, ${expiresAt}, ${claimId}, ${leaseUntil})
    ON CONFLICT (id) DO NOTHING`;
  if (inserted === 1) return { kind: "run", claimId, leaseMs };
  const row = await db.idempotencyKey.findUnique({ where: { id } });
  if (!row) return claimIdempotencyKey(db, p); // expired and deleted by another request in between
  if (row.requestHash !== requestHash) return { kind: "mismatch" };
  if (row.status !== null && row.response !== null) return { kind: "replay", answer: openAnswer(p.key, row.response) };
  if (row.leaseUntil !== null && row.leaseUntil > now) return { kind: "running" };
  const taken = await db.idempotencyKey.updateMany({
    where: { id, status: null, claimedBy: row.claimedBy, leaseUntil: row.leaseUntil },
    data: { createdAt: now, expiresAt, claimedBy: claimId, leaseUntil },
  });
  return taken.count === 1 ? { kind: "run", claimId, leaseMs } : { kind: "running" };
}

/** The holder's request still runs (or its answer is not written yet): keep the key. False once it is no longer this claim's. */
export async function renewIdempotencyClaim(
  db: Db,
  p: { actor: string; key: string; claimId: string; now?: Date; leaseMs?: number },
): Promise<boolean> {
  const leaseUntil = new Date((p.now ?? new Date()).getTime() + (p.leaseMs ?? IDEMPOTENCY_LEASE_MS));
  const renewed = await db.idempotencyKey.updateMany({
    where: { id: idempotencyRowId(p.actor, p.key), status: null, claimedBy: p.claimId },
    data: { leaseUntil },
  });
  return renewed.count === 1;
}
