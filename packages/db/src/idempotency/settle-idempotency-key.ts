import type { Db } from "../create-db.ts";
import { idempotencyRowId, sealAnswer, type IdempotentAnswer } from "./idempotent-answer.ts";

/** The first request with this key answered: keep the answer for retries (encrypted under the key). */
export async function saveIdempotentAnswer(db: Db, p: { actor: string; key: string; answer: IdempotentAnswer }): Promise<void> {
  await db.idempotencyKey.updateMany({
    where: { id: idempotencyRowId(p.actor, p.key), status: null },
    data: { status: p.answer.status, response: sealAnswer(p.key, p.answer) },
  });
}

/** The first request failed on the server's side (5xx, or it threw): a retry with this key runs again. */
export async function releaseIdempotencyKey(db: Db, p: { actor: string; key: string }): Promise<void> {
  await db.idempotencyKey.deleteMany({ where: { id: idempotencyRowId(p.actor, p.key), status: null } });
}
