import type { IncomingHttpHeaders } from "node:http";
import { MAX_FRAME_BYTES } from "@vfleet/protocol";

/** Same as the routes' MAX_BODY_BYTES: refused here, on the header, before anything reads the body. */
const MAX_BODY_BYTES = MAX_FRAME_BYTES;
/** Sign-in and sign-out take a user name and a password: a few hundred bytes. */
const MAX_AUTH_BODY_BYTES = 64 * 1024;

/** The largest body a request to `path` may send (pure). */
export function bodyLimitFor(path: string): number {
  return path.startsWith("/api/auth/") ? MAX_AUTH_BODY_BYTES : MAX_BODY_BYTES;
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export type Refusal = { status: number; message: string };

/** The hostname part of a Host header (`[::1]:3000` -> `[::1]`, `a.b:80` -> `a.b`). */
function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith("[")) return hostHeader.slice(0, hostHeader.indexOf("]") + 1);
  return hostHeader.split(":")[0]!.toLowerCase();
}

/**
 * Why a raw request path is not in its one plain spelling, or null when it is. The access layer
 * decides on the raw path and Next routes on its own normalised form; refusing every spelling
 * where the two could differ means both always see the same path (`/_next/../api/v1/tokens` was
 * "a static asset" to one and the token list to the other). Pure.
 */
export function unusualPathSpelling(path: string): string | null {
  if (!path.startsWith("/")) return "does not start with /";
  if (path.includes("\\")) return "holds a backslash";
  if (/%(2e|2f|5c|25)/i.test(path)) return "holds an encoded dot, slash, backslash or percent sign";
  if (path.includes("//")) return "holds an empty segment (//)";
  if (path.includes(";")) return "holds a ';' parameter";
  if (path.split("/").some((segment) => segment === "." || segment === "..")) return "holds a dot segment (. or ..)";
  return null;
}

/**
 * Cheap protections that hold before any identity is checked (pure):
 * - listening on loopback, only loopback Host names are served, so a web page that rebinds its
 *   own DNS name to 127.0.0.1 cannot drive the API from the operator's browser;
 * - API calls with a body must carry `content-type: application/json`, which a cross-site
 *   HTML form cannot send without a CORS preflight (and the control plane answers none). A form
 *   cannot send DELETE at all, so a bodiless DELETE needs no content type.
 * - a NUL byte in the path or query is a 400 (no name, id or address contains one; PostgreSQL
 *   text cannot hold it, so it otherwise ended in a 500);
 * - a path in any but its plain spelling is a 400 (unusualPathSpelling), before identity or routing;
 * - a Content-Length above MAX_BODY_BYTES is a 413 on every route, authenticated or not, before
 *   the body is read (chunked bodies are counted by the routes' reader).
 */
export function refuseRequest(req: { method?: string; url?: string; headers: IncomingHttpHeaders }, listenHost: string): Refusal | null {
  const url = req.url ?? "/";
  if (url.includes("\0") || /%00/i.test(url)) return { status: 400, message: "the path or query holds a NUL byte (%00)" };
  const spelling = unusualPathSpelling(url.split("?")[0]!);
  if (spelling)
    return {
      status: 400,
      message: `the path ${spelling}: send the plain path (no dot segments, encoded dots or slashes, backslashes, empty segments or parameters)`,
    };
  const length = Number(req.headers["content-length"] ?? 0);
  const limit = bodyLimitFor(url.split("?")[0]!);
  if (length > limit) return { status: 413, message: `the body is ${length} bytes; at most ${limit} are accepted` };
  if (LOOPBACK_NAMES.has(listenHost)) {
    const host = req.headers.host ?? "";
    if (!LOOPBACK_NAMES.has(hostnameOf(host))) {
      return {
        status: 421,
        message: `Host ${JSON.stringify(host)} is not served: this control plane listens on loopback (${listenHost}) and answers loopback names only`,
      };
    }
  }
  const method = (req.method ?? "GET").toUpperCase();
  const path = (req.url ?? "/").split("?")[0]!;
  if (path.startsWith("/api/") && !["GET", "HEAD", "OPTIONS", "DELETE"].includes(method)) {
    const type = (req.headers["content-type"] ?? "").toLowerCase();
    if (!type.startsWith("application/json")) {
      return { status: 415, message: `content-type must be application/json for ${method} ${path}` };
    }
  }
  return null;
}
