import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";
import type { AgentState } from "./state-file.ts";

/** Where the enrollment REST endpoint lives for a given agent WebSocket URL. */
export function httpBaseOf(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = "";
  url.search = "";
  return url.toString().replace(/\/$/, "");
}

/** POST JSON; `ca` (PEM) is trusted beside the public roots, for a control plane signed by a private CA. */
function postJson(url: string, body: unknown, ca: string | undefined): Promise<{ status: number; body: Record<string, unknown> }> {
  const data = JSON.stringify(body);
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data) },
        timeout: 15_000,
        ...(ca ? { ca: [...rootCertificates, ca] } : {}),
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            /* a non-JSON answer: status says enough */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within 15 s`)));
    req.on("error", reject);
    req.end(data);
  });
}

/**
 * Trade a one-time enrollment token for this host's own credential.
 * The token is useless afterwards; the credential is what identifies the host from now on.
 */
export async function enroll(server: string, token: string, hostname: string, ca?: string): Promise<AgentState> {
  const res = await postJson(`${httpBaseOf(server)}/api/v1/enroll`, { token, hostname }, ca);
  if (res.status < 200 || res.status >= 300)
    throw new Error(`enrollment refused (${res.status}): ${String(res.body.error ?? "no reason given")}`);
  const { hostId, hostName, credential } = res.body;
  if (typeof hostId !== "string" || typeof hostName !== "string" || typeof credential !== "string") {
    throw new Error("enrollment answer lacks hostId/hostName/credential");
  }
  return { server, hostId, hostName, credential };
}
