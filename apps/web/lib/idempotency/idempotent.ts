import { getControlPlaneContext } from "../control-plane-context.ts";
import { actorOf, identityFromHeaders } from "../auth/identity.ts";
import { readBodyText } from "../parse-json-body.ts";
import { claimKey, IDEMPOTENCY_KEY_HEADER } from "./claim-key.ts";

/** A Next route handler a client can retry safely with an `Idempotency-Key` header: the rules are claimKey's. */
export function idempotent<C>(
  handler: (request: Request, context: C) => Promise<Response>,
): (request: Request, context: C) => Promise<Response> {
  return async (request, context) => {
    const key = request.headers.get(IDEMPOTENCY_KEY_HEADER);
    if (key === null) return handler(request, context);
    const read = await readBodyText(request.clone());
    if (!read.success) return read.response;
    const identity = identityFromHeaders(request.headers);
    const url = new URL(request.url);
    const { db, queries } = getControlPlaneContext();
    const claim = await claimKey(db, queries, {
      key,
      actor: identity ? actorOf(identity) : "anonymous",
      method: request.method,
      path: url.pathname + url.search,
      body: read.text,
    });
    if (claim.kind === "answer") {
      const { status, contentType, body, headers } = claim.answer;
      return new Response(body, { status, headers: { ...(contentType ? { "content-type": contentType } : {}), ...headers } });
    }
    let response: Response;
    try {
      response = await handler(request, context);
    } catch (err) {
      await claim.release();
      throw err;
    }
    await claim.settle({ status: response.status, contentType: response.headers.get("content-type"), body: await response.clone().text() });
    return response;
  };
}
