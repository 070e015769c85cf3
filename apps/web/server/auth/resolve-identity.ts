import type { IncomingMessage } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import { authenticateApiToken, type Db } from "@vfleet/db";
import { Role } from "../../lib/auth/roles.ts";
import type { Identity } from "../../lib/auth/identity.ts";
import type { Auth } from "./create-auth.ts";

export type Resolved =
  { identity: Identity; via: "token" | "session"; setCookie?: string[] } | { identity: null; via: null; refused?: string };

/**
 * Who sent this request: an `Authorization: Bearer` API token (checked on every request, so a
 * revoked or expired token is refused at once), else better-auth's session cookie (the session
 * row is read every time: a revoked or expired session is anonymous at once).
 */
export async function resolveIdentity(req: IncomingMessage, deps: { db: Db; auth: Auth }): Promise<Resolved> {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization);
    const token = m ? await authenticateApiToken(deps.db, m[1]!) : null;
    // A wrong token is a 401 even where anonymous access is fine: the script should learn its token is dead.
    if (!token) return { identity: null, via: null, refused: "Authorization: unknown, revoked or expired API token" };
    return { identity: { kind: "token", id: token.id, name: token.name, role: token.role }, via: "token" };
  }
  if (!req.headers.cookie) return { identity: null, via: null };
  // returnHeaders: when better-auth extends a session in use, the browser gets the renewed cookie.
  const { headers: answer, response: session } = await deps.auth.api.getSession({
    headers: fromNodeHeaders(req.headers),
    returnHeaders: true,
  });
  if (!session) return { identity: null, via: null };
  const user = session.user as typeof session.user & { username?: string | null; role?: string };
  const role = Role.safeParse(user.role);
  if (!role.success) return { identity: null, via: null };
  return {
    identity: { kind: "user", id: user.id, name: user.username ?? user.name, role: role.data },
    via: "session",
    setCookie: answer.getSetCookie(),
  };
}

/**
 * The request's identity is still alive (token not revoked or expired, session row still there
 * and unexpired). For long-lived streams: asking does not extend the session, so a page left open
 * does not keep its session alive on its own.
 */
export async function identityStillValid(req: IncomingMessage, deps: { db: Db; auth: Auth }): Promise<boolean> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (req.headers.authorization !== undefined) return m !== null && (await authenticateApiToken(deps.db, m[1]!)) !== null;
  if (!req.headers.cookie) return false;
  const session = await deps.auth.api.getSession({
    headers: fromNodeHeaders(req.headers),
    query: { disableRefresh: true, disableCookieCache: true },
  });
  return session !== null;
}
