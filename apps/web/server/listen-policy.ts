import { isIP } from "node:net";

/** Whether an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  if (host === "localhost" || host === "::1" || host === "[::1]") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

export type ListenDecision = { ok: true; warning?: string } | { ok: false; error: string };

/**
 * Passwords, session cookies and API tokens must not cross a network in clear (pure). Beyond
 * loopback the control plane serves TLS itself, or the operator says a TLS-terminating proxy
 * stands in front (VFLEET_ALLOW_PLAIN_HTTP=1), which is logged at every start.
 */
export function decideListen(host: string, options: { tls: boolean; allowPlainHttp: boolean; publicUrl: boolean }): ListenDecision {
  if (isLoopback(host)) return { ok: true };
  if (!options.tls && !options.allowPlainHttp) {
    return {
      ok: false,
      error: `refusing to listen on ${host} without TLS: set VFLEET_TLS_CERT_FILE and VFLEET_TLS_KEY_FILE, or VFLEET_ALLOW_PLAIN_HTTP=1 when a TLS-terminating proxy stands in front (or HOST=127.0.0.1)`,
    };
  }
  // Sign-in checks the browser's Origin against this URL; the listen address is not what browsers use.
  if (!options.publicUrl)
    return { ok: false, error: `listening on ${host} needs VFLEET_PUBLIC_URL: the URL browsers use (e.g. https://vfleet.example.net)` };
  if (!options.tls) {
    return {
      ok: true,
      warning: `serving plain HTTP on ${host} because VFLEET_ALLOW_PLAIN_HTTP is set: a TLS-terminating proxy must stand in front, or passwords and tokens cross the network in clear`,
    };
  }
  return { ok: true };
}
