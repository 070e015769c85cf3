import type { Db } from "../create-db.ts";
import { idempotencyRowId, sealAnswer, type IdempotentAnswer } from "./idempotent-answer.ts";

/**
 * The first request with this key answered: keep the answer for retries (encrypted under the key).
 * Only while the key is still this claim's: a claim taken over after its lease ran out belongs to the retry.
 */
export async function saveIdempotentAnswer(
  db: Db,
  p: { actor: string; key: string; claimId: string; answer: IdempotentAnswer },
): Promise<void> {
  await db.idempotencyKey.updateMany({
    where: { id: idempotencyRowId(p.actor, p.key), status: null, claimedBy: p.claimId },
    data: { status: p.answer.status, response: sealAnswer(p.key, p.answer), leaseUntil: null },
  });
}

/** The first request failed on the server's side (5xx, or it threw): a retry with this key runs again. */
export async function releaseIdempotencyKey(db: Db, p: { actor: string; key: string; claimId: string }): Promise<void> {
  await db.idempotencyKey.deleteMany({ where: { id: idempotencyRowId(p.actor, p.key), status: null, claimedBy: p.claimId } });
}
