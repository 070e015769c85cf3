import type { AgentState } from "./state-file.ts";

/** Where the enrollment REST endpoint lives for a given agent WebSocket URL. */
export function httpBaseOf(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = "";
  url.search = "";
  return url.toString().replace(/\/$/, "");
}

/**
 * Trade a one-time enrollment token for this host's own credential.
 * The token is useless afterwards; the credential is what identifies the host from now on.
 */
export async function enroll(server: string, token: string, hostname: string): Promise<AgentState> {
  const res = await fetch(`${httpBaseOf(server)}/api/v1/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, hostname }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(`enrollment refused (${res.status}): ${String(body.error ?? res.statusText)}`);
  const { hostId, hostName, credential } = body;
  if (typeof hostId !== "string" || typeof hostName !== "string" || typeof credential !== "string") {
    throw new Error("enrollment answer lacks hostId/hostName/credential");
  }
  return { server, hostId, hostName, credential };
}
