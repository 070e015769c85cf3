import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
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
export async function enroll(server: string, token: string, hostname: string, options: { ca?: Buffer } = {}): Promise<AgentState> {
  const res = await postJson(`${httpBaseOf(server)}/api/v1/enroll`, { token, hostname }, options.ca);
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(res.text) as Record<string, unknown>;
  } catch { /* the status says enough */ }
  if (res.status !== 201) throw new Error(`enrollment refused (${res.status}): ${String(body.error ?? res.text)}`);
  const { hostId, hostName, credential } = body;
  if (typeof hostId !== "string" || typeof hostName !== "string" || typeof credential !== "string") {
    throw new Error("enrollment answer lacks hostId/hostName/credential");
  }
  return { server, hostId, hostName, credential };
}

/**
 * POST JSON over node:http(s) rather than fetch: https must verify the server against the
 * operator's CA file (`--ca-file`), which Node 20's fetch cannot be given per request.
 */
function postJson(url: string, json: unknown, ca: Buffer | undefined): Promise<{ status: number; text: string }> {
  const body = JSON.stringify(json);
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) }, timeout: 15_000, ...(ca ? { ca } : {}) }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => { text += chunk; });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within 15 s`)));
    req.on("error", reject);
    req.end(body);
  });
}
