import type { IncomingHttpHeaders } from "node:http";
import { MAX_FRAME_BYTES } from "@vfleet/protocol";

/** Same as the routes' MAX_BODY_BYTES: refused here, on the header, before anything reads the body. */
const MAX_BODY_BYTES = MAX_FRAME_BYTES;

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export type Refusal = { status: number; message: string };

/** The hostname part of a Host header (`[::1]:3000` -> `[::1]`, `a.b:80` -> `a.b`). */
function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith("[")) return hostHeader.slice(0, hostHeader.indexOf("]") + 1);
  return hostHeader.split(":")[0]!.toLowerCase();
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
 * - a Content-Length above MAX_BODY_BYTES is a 413 on every route, authenticated or not, before
 *   the body is read (chunked bodies are counted by the routes' reader).
 */
export function refuseRequest(req: { method?: string; url?: string; headers: IncomingHttpHeaders }, listenHost: string): Refusal | null {
  const url = req.url ?? "/";
  if (url.includes("\0") || /%00/i.test(url)) return { status: 400, message: "the path or query holds a NUL byte (%00)" };
  const length = Number(req.headers["content-length"] ?? 0);
  if (length > MAX_BODY_BYTES) return { status: 413, message: `the body is ${length} bytes; at most ${MAX_BODY_BYTES} are accepted` };
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
