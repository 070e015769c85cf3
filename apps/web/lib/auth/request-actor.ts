import { actorOf, identityFromHeaders, type Identity } from "./identity.ts";

/**
 * The authenticated caller of a route handler. The custom server has already refused requests
 * without the route's role; a missing identity here means the route's rule is `public`.
 */
export function requestIdentity(request: Request): { ok: true; identity: Identity; actor: string } | { ok: false; response: Response } {
  const identity = identityFromHeaders(request.headers);
  if (!identity)
    return { ok: false, response: Response.json({ error: "sign in or send Authorization: Bearer <API token>" }, { status: 401 }) };
  return { ok: true, identity, actor: actorOf(identity) };
}
