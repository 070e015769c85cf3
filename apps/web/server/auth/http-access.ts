import type { IncomingMessage, ServerResponse } from "node:http";
import { toNodeHandler } from "better-auth/node";
import type { Db } from "@vfleet/db";
import { accessFor } from "../../lib/auth/access-rules.ts";
import { IDENTITY_HEADER } from "../../lib/auth/identity.ts";
import { sealIdentity } from "../../lib/auth/identity-seal.ts";
import { roleAllows } from "../../lib/auth/roles.ts";
import type { Log } from "../logger.ts";
import { crossSiteRefusal } from "./check-same-origin.ts";
import type { Auth } from "./create-auth.ts";
import type { RateLimits } from "./rate-limits.ts";
import { resolveIdentity } from "./resolve-identity.ts";
import { escapeHtml, wantsJson } from "../plain-answer.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const AUTH_PREFIX = "/api/auth/";

function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string, extra: Record<string, string> = {}): "done" {
  if (wantsJson(req)) {
    res.writeHead(status, { "content-type": "application/json", ...extra }).end(JSON.stringify({ error }));
  } else if (status === 401 && !req.headers.authorization) {
    // A browser without a session goes to the sign-in page and comes back afterwards (a script
    // with a dead token gets its 401).
    res.writeHead(303, { location: `/login?next=${encodeURIComponent(req.url ?? "/")}` }).end();
  } else {
    res
      .writeHead(status, { "content-type": "text/html; charset=utf-8", ...extra })
      .end(
        `<!doctype html><title>vfleet: ${status}</title><p data-testid="access-denied">${escapeHtml(error)}</p><p><a href="/">Fleet</a></p>`,
      );
  }
  return "done";
}

/**
 * The control plane's front door for HTTP (pure routing; the rules live in lib/auth/access-rules.ts).
 * Every request: drop any client-sent identity header, look up the route's access, rate-limit the
 * secret-taking endpoints, authenticate (API token or session), answer 401/403, refuse
 * cross-site cookie writes, then hand the request on with the identity header set (sealed with the
 * process's key, so pages and handlers, which check identity again themselves, can trust it).
 */
export function createHttpAccess(deps: { db: Db; auth: Auth; limits: RateLimits; log: Log; identityKey: Buffer }) {
  const authHandler = toNodeHandler(deps.auth);
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<"next" | "done"> {
    delete req.headers[IDENTITY_HEADER];
    const method = (req.method ?? "GET").toUpperCase();
    const path = (req.url ?? "/").split("?")[0]!;
    const address = req.socket.remoteAddress ?? "unknown";
    const { access } = accessFor(method, path);

    const limited = await deps.limits.admit(method, path, address, res);
    if (limited) {
      deps.log("warn", "rate limited", { path, address });
      return refuse(req, res, 429, `too many failed attempts from ${address}: retry in ${limited.retryAfterSec} s`, {
        "retry-after": String(limited.retryAfterSec),
      });
    }
    if (path.startsWith(AUTH_PREFIX)) {
      // Only the endpoints the table lists (sign in, sign out); no sign-up, no account changes.
      if (access !== "public") return refuse(req, res, 404, `${method} ${path} is not served`);
      const crossSite = crossSiteRefusal(req.headers);
      if (crossSite) return refuse(req, res, 403, crossSite);
      await authHandler(req, res);
      return "done";
    }

    const resolved = await resolveIdentity(req, deps);
    if (resolved.identity === null && "refused" in resolved && resolved.refused) return refuse(req, res, 401, resolved.refused);
    if (access !== "public") {
      if (!resolved.identity) return refuse(req, res, 401, "sign in or send Authorization: Bearer <API token>");
      if (!roleAllows(resolved.identity.role, access)) {
        return refuse(req, res, 403, `${method} ${path} needs the ${access} role; ${resolved.identity.name} is ${resolved.identity.role}`);
      }
    }
    if (resolved.via === "session" && !SAFE_METHODS.has(method)) {
      const crossSite = crossSiteRefusal(req.headers);
      if (crossSite) return refuse(req, res, 403, crossSite);
    }
    if (resolved.identity) req.headers[IDENTITY_HEADER] = sealIdentity(resolved.identity, deps.identityKey);
    if (resolved.identity && resolved.setCookie?.length) res.setHeader("set-cookie", resolved.setCookie);
    return "next";
  };
}
