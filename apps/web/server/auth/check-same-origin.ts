import type { IncomingHttpHeaders } from "node:http";

/**
 * Cross-site request forgery check for cookie-authenticated writes (pure). Browsers send
 * `Sec-Fetch-Site` and `Origin` on every cross-site POST; a request whose origin is not this
 * host is refused. Bearer-token calls need no check (a browser never attaches them by itself),
 * and the session cookie is SameSite=Lax besides.
 */
export function crossSiteRefusal(headers: IncomingHttpHeaders): string | null {
  const site = headers["sec-fetch-site"];
  if (typeof site === "string" && site !== "same-origin" && site !== "none") {
    return `cross-site request refused (Sec-Fetch-Site: ${site}): sign-in cookies only work from this control plane's own pages`;
  }
  const origin = headers.origin;
  if (typeof origin === "string" && origin !== "null") {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return `cross-site request refused: unreadable Origin ${JSON.stringify(origin)}`;
    }
    if (originHost !== headers.host) return `cross-site request refused: Origin ${origin} is not this control plane (${headers.host})`;
  } else if (origin === "null") {
    return "cross-site request refused: Origin null";
  }
  return null;
}
