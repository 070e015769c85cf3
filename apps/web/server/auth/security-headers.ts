import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * Headers on every response. Scripts run only from this origin's build and with this response's
 * nonce: no inline script an attacker could inject runs. Next renders the nonce into its own
 * bootstrap scripts when it finds it in the request's Content-Security-Policy header, which is
 * why the policy is set on the request too (every page is rendered per request). 'strict-dynamic'
 * lets those scripts load the app's chunks. The dev server also evaluates code. Styles stay
 * 'unsafe-inline' (Next and Tailwind inline them; a style cannot run code). No framing.
 */
export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse, dev: boolean): void {
  const nonce = randomBytes(16).toString("base64");
  const script = `'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`;
  const policy = [
    "default-src 'self'",
    `script-src ${script}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  req.headers["content-security-policy"] = policy;
  res.setHeader("content-security-policy", policy);
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("referrer-policy", "same-origin");
}
