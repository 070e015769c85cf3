import type { IdempotentAnswer } from "@vfleet/db";
import type { DbQueries } from "../control-plane-context.ts";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
/** A UUID is 36 characters; shorter keys are too easy to reuse by accident (and the key encrypts the kept answer). */
const KEY_PATTERN = /^[\x21-\x7e]{16,255}$/;

type Queries = Pick<DbQueries, "claimIdempotencyKey" | "saveIdempotentAnswer" | "releaseIdempotencyKey">;
type Db = Parameters<Queries["claimIdempotencyKey"]>[0];

/** An answer given without running the request: a replay, or why the key cannot be used. */
export type KeyAnswer = IdempotentAnswer & { headers: Record<string, string> };

export type KeyClaim =
  | { kind: "answer"; answer: KeyAnswer }
  /** The request is this key's: run it, then `settle` with its answer (or `release` if it threw). */
  | { kind: "run"; settle(answer: IdempotentAnswer): Promise<void>; release(): Promise<void> };

const keyError = (status: number, error: string, headers: Record<string, string> = {}): KeyClaim => ({
  kind: "answer",
  answer: {
    status,
    contentType: "application/json",
    body: JSON.stringify({ error: `${IDEMPOTENCY_KEY_HEADER}: ${error}`, field: IDEMPOTENCY_KEY_HEADER }),
    headers,
  },
});

/**
 * The rules of an `Idempotency-Key`, apart from how a server reads requests and writes answers
 * (Next's route handlers and the custom server's own routes share them): the first request runs
 * and its answer (below 500) is kept for a day; a retry with the same key and the same method,
 * path and body gets that answer again (header `Idempotent-Replayed: true`) and changes nothing;
 * the same key with another request is a 422 naming the header; a retry while the first still
 * runs is a 409 with Retry-After. A 5xx (the database went away mid-request) is not kept, so the
 * retry runs again. Keys belong to their caller (the audit actor).
 */
export async function claimKey(
  db: Db,
  queries: Queries,
  p: { key: string; actor: string; method: string; path: string; body: string },
): Promise<KeyClaim> {
  if (!KEY_PATTERN.test(p.key)) return keyError(400, "must be 16 to 255 printable ASCII characters without spaces (a UUID, say)");
  const { actor, key } = p;
  const claim = await queries.claimIdempotencyKey(db, { actor, key, request: { method: p.method, path: p.path, body: p.body } });
  if (claim.kind === "mismatch")
    return keyError(422, "this key was used with a different request (method, path or body); use a new key for a new request");
  if (claim.kind === "running")
    return keyError(409, "a request with this key is still running; retry when it has answered", { "retry-after": "1" });
  if (claim.kind === "replay") return { kind: "answer", answer: { ...claim.answer, headers: { "idempotent-replayed": "true" } } };
  const release = () => queries.releaseIdempotencyKey(db, { actor, key }).catch(() => {});
  return {
    kind: "run",
    release,
    settle: (answer) => (answer.status >= 500 ? release() : queries.saveIdempotentAnswer(db, { actor, key, answer })),
  };
}
