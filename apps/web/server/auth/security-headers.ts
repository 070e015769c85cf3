import type { ServerResponse } from "node:http";

/**
 * Headers on every response. Next's App Router inlines its bootstrap scripts, so script-src
 * needs 'unsafe-inline' (no nonce plumbing through the custom server); the dev server also
 * evaluates code. Everything else comes from this origin only; no framing (clickjacking).
 */
export function setSecurityHeaders(res: ServerResponse, dev: boolean): void {
  const script = dev ? "'self' 'unsafe-inline' 'unsafe-eval'" : "'self' 'unsafe-inline'";
  res.setHeader(
    "content-security-policy",
    [
      "default-src 'self'",
      `script-src ${script}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("referrer-policy", "same-origin");
}
