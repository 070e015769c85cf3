import type { IncomingHttpHeaders } from "node:http";

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
 */
export function refuseRequest(req: { method?: string; url?: string; headers: IncomingHttpHeaders }, listenHost: string): Refusal | null {
  if (LOOPBACK_NAMES.has(listenHost)) {
    const host = req.headers.host ?? "";
    if (!LOOPBACK_NAMES.has(hostnameOf(host))) {
      return { status: 421, message: `Host ${JSON.stringify(host)} is not served: this control plane listens on loopback (${listenHost}) and answers loopback names only` };
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
