import type { Db } from "../create-db.ts";
import { hashIdempotentRequest, idempotencyRowId, openAnswer, type IdempotentAnswer } from "./idempotent-answer.ts";

/** How long a key's answer is kept (a client retries within minutes; a day covers a night's outage). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
/**
 * A key whose first request never stored an answer (its control plane died mid-request) is
 * taken over after this: longer than any write takes (a 4096-job plan, a placement's retries).
 */
export const IDEMPOTENCY_STALE_CLAIM_MS = 5 * 60_000;

export type IdempotencyClaim =
  /** The key is this request's now: run it, then saveIdempotentAnswer or releaseIdempotencyKey. */
  | { kind: "run" }
  /** Same key, same request, answered before: replay this. */
  | { kind: "replay"; answer: IdempotentAnswer }
  /** Same key with another method, path or body. */
  | { kind: "mismatch" }
  /** Same key, same request, still running. */
  | { kind: "running" };

/**
 * Take an Idempotency-Key for a request, or say what it already stands for. Expired keys are
 * deleted first (indexed), so a key reused after its lifetime is new again. Two requests with
 * one new key at once: the primary key lets one insert, the other sees it running.
 */
export async function claimIdempotencyKey(
  db: Db,
  p: { actor: string; key: string; request: { method: string; path: string; body: string }; now?: Date; ttlMs?: number },
): Promise<IdempotencyClaim> {
  const now = p.now ?? new Date();
  const requestHash = hashIdempotentRequest(p.request);
  const id = idempotencyRowId(p.actor, p.key);
  const expiresAt = new Date(now.getTime() + (p.ttlMs ?? IDEMPOTENCY_TTL_MS));
  await db.idempotencyKey.deleteMany({ where: { expiresAt: { lte: now } } });
  const inserted = await db.$executeRaw`
    INSERT INTO "IdempotencyKey" (id, "requestHash", "createdAt", "expiresAt") VALUES (${id}, ${requestHash}, ${now}, ${expiresAt})
    ON CONFLICT (id) DO NOTHING`;
  if (inserted === 1) return { kind: "run" };
  const row = await db.idempotencyKey.findUnique({ where: { id } });
  if (!row) return claimIdempotencyKey(db, p); // expired and deleted by another request in between
  if (row.requestHash !== requestHash) return { kind: "mismatch" };
  if (row.status !== null && row.response !== null) return { kind: "replay", answer: openAnswer(p.key, row.response) };
  if (now.getTime() - row.createdAt.getTime() < IDEMPOTENCY_STALE_CLAIM_MS) return { kind: "running" };
  // Compare-and-set on createdAt: of two retries taking over an abandoned claim, one wins.
  const taken = await db.idempotencyKey.updateMany({
    where: { id, status: null, createdAt: row.createdAt },
    data: { createdAt: now, expiresAt },
  });
  return taken.count === 1 ? { kind: "run" } : { kind: "running" };
}
