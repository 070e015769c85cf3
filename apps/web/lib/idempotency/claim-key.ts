import type { IdempotentAnswer } from "@vfleet/db";
import type { DbQueries } from "../control-plane-context.ts";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
/** A UUID is 36 characters; shorter keys are too easy to reuse by accident (and the key encrypts the kept answer). */
const KEY_PATTERN = /^[\x21-\x7e]{16,255}$/;

type Queries = Pick<DbQueries, "claimIdempotencyKey" | "saveIdempotentAnswer" | "releaseIdempotencyKey" | "renewIdempotencyClaim">;
type Db = Parameters<Queries["claimIdempotencyKey"]>[0];

/** An answer given without running the request: a replay, or why the key cannot be used. */
type KeyAnswer = IdempotentAnswer & { headers: Record<string, string> };

export type KeyClaim =
  | { kind: "answer"; answer: KeyAnswer }
  /**
   * The request is this key's: run it, then `settle` with its answer (or `release` if it threw).
   * Neither throws nor waits for PostgreSQL to come back: a write that fails is retried in the background.
   */
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
  return { kind: "run", ...holdClaim(db, queries, { actor, key, claimId: claim.claimId }, claim.leaseMs) };
}

/** How long a settle or release that cannot reach PostgreSQL keeps trying (then the lease decides). */
const SETTLE_RETRY_FOR_MS = 10 * 60_000;
const SETTLE_RETRY_EVERY_MS = 500;
const SETTLE_WRITE_TIMEOUT_MS = 5_000;

/**
 * Hold a claimed key so it never outlives its request, whatever happens to PostgreSQL. While the
 * request runs, its lease is renewed (every third of the lease, IDEMPOTENCY_LEASE_MS). When it ends, its
 * answer is saved (a 5xx releases the key instead); if PostgreSQL is unreachable then (it died
 * under the request), the write is retried every half second and the lease renewed until one
 * succeeds, so the key is released, or answers, within a moment of PostgreSQL's return: a client
 * retrying meanwhile gets 409 with Retry-After: 1 (for a 2xx whose answer is not saved yet this is
 * what keeps the write from running twice), then the replay or a new run. A process that dies
 * renews nothing: its claim lapses with the lease and the next retry takes it over. Why not commit
 * the claim with the request's own transaction: every handler would have to run inside one, and a
 * request that spans several (a plan with placement retries) could not.
 */
function holdClaim(db: Db, queries: Queries, ids: { actor: string; key: string; claimId: string }, leaseMs: number) {
  const renew = setInterval(() => void queries.renewIdempotencyClaim(db, ids).catch(() => {}), leaseMs / 3);
  renew.unref();
  const finish = async (write: () => Promise<void>): Promise<void> => {
    const giveUpAt = Date.now() + SETTLE_RETRY_FOR_MS;
    try {
      await write();
      clearInterval(renew);
      return;
    } catch {
      // PostgreSQL went away under the request: keep trying in the background, answer the client now.
    }
    let trying = false;
    const retry = setInterval(() => {
      if (Date.now() > giveUpAt) return void (clearInterval(retry), clearInterval(renew));
      if (trying) return;
      trying = true;
      // A write stuck on a connection PostgreSQL dropped must not stop the retries: give each a bound.
      Promise.race([
        write(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("settle write timed out")), SETTLE_WRITE_TIMEOUT_MS)),
      ]).then(
        () => (clearInterval(retry), clearInterval(renew)),
        () => (trying = false),
      );
    }, SETTLE_RETRY_EVERY_MS);
    retry.unref();
  };
  const release = () => finish(() => queries.releaseIdempotencyKey(db, ids));
  return {
    release,
    settle: (answer: IdempotentAnswer) =>
      answer.status >= 500 ? release() : finish(() => queries.saveIdempotentAnswer(db, { ...ids, answer })),
  };
}
