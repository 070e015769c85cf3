import { getControlPlaneContext } from "../control-plane-context.ts";
import { actorOf, identityFromHeaders } from "../auth/identity.ts";
import { readBodyText } from "../parse-json-body.ts";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
/** A UUID is 36 characters; shorter keys are too easy to reuse by accident (and the key encrypts the kept answer). */
const KEY_PATTERN = /^[\x21-\x7e]{16,255}$/;

const keyError = (status: number, error: string, extra: HeadersInit = {}) =>
  Response.json({ error: `${IDEMPOTENCY_KEY_HEADER}: ${error}`, field: IDEMPOTENCY_KEY_HEADER }, { status, headers: extra });

/**
 * A write a client can retry safely: with an `Idempotency-Key` header, the first request runs
 * and its answer (below 500) is kept for a day; a retry with the same key and the same method,
 * path and body gets that answer again (header `Idempotent-Replayed: true`) and changes
 * nothing; the same key with another request is a 422 naming the header; a retry while the
 * first still runs is a 409 with Retry-After. A 5xx (the database went away mid-request) is not
 * kept, so the retry runs again. Keys belong to their caller (the audit actor).
 */
export function idempotent<C>(handler: (request: Request, context: C) => Promise<Response>): (request: Request, context: C) => Promise<Response> {
  return async (request, context) => {
    const key = request.headers.get(IDEMPOTENCY_KEY_HEADER);
    if (key === null) return handler(request, context);
    if (!KEY_PATTERN.test(key)) return keyError(400, "must be 16 to 255 printable ASCII characters without spaces (a UUID, say)");
    const read = await readBodyText(request.clone());
    if (!read.success) return read.response;
    const identity = identityFromHeaders(request.headers);
    const actor = identity ? actorOf(identity) : "anonymous";
    const url = new URL(request.url);
    const { db, queries } = getControlPlaneContext();
    const claim = await queries.claimIdempotencyKey(db, { actor, key, request: { method: request.method, path: url.pathname + url.search, body: read.text } });
    if (claim.kind === "mismatch") return keyError(422, "this key was used with a different request (method, path or body); use a new key for a new request");
    if (claim.kind === "running") return keyError(409, "a request with this key is still running; retry when it has answered", { "retry-after": "1" });
    if (claim.kind === "replay") {
      const { status, contentType, body } = claim.answer;
      return new Response(body, { status, headers: { ...(contentType ? { "content-type": contentType } : {}), "idempotent-replayed": "true" } });
    }
    let response: Response;
    try {
      response = await handler(request, context);
    } catch (err) {
      await queries.releaseIdempotencyKey(db, { actor, key }).catch(() => {});
      throw err;
    }
    if (response.status >= 500) {
      await queries.releaseIdempotencyKey(db, { actor, key }).catch(() => {});
      return response;
    }
    const body = await response.clone().text();
    await queries.saveIdempotentAnswer(db, { actor, key, answer: { status: response.status, contentType: response.headers.get("content-type"), body } });
    return response;
  };
}
