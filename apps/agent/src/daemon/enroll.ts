import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";
import { waitAsToldMs } from "./retry-after.ts";
import type { AgentState } from "./state-file.ts";

/** Where the enrollment REST endpoint lives for a given agent WebSocket URL. */
export function httpBaseOf(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = "";
  url.search = "";
  return url.toString().replace(/\/$/, "");
}

type Answer = { status: number; retryAfter: string | undefined; body: Record<string, unknown> };

/** POST JSON; `ca` (PEM) is trusted beside the public roots, for a control plane signed by a private CA. */
function postJson(url: string, body: unknown, headers: Record<string, string>, ca: string | undefined): Promise<Answer> {
  const data = JSON.stringify(body);
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(data) },
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
          const retryAfter = res.headers["retry-after"];
          resolve({ status: res.statusCode ?? 0, retryAfter, body: parsed });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within 15 s`)));
    req.on("error", reject);
    req.end(data);
  });
}

/** How long the agent keeps trying while the control plane says "later": a fleet's worth of waits, not forever. */
const ENROLL_RETRY_BUDGET_MS = 15 * 60_000;

export interface EnrollOptions {
  ca?: string;
  log?: (line: string, fields?: Record<string, unknown>) => void;
  /** Give up once the waits would pass this (default ENROLL_RETRY_BUDGET_MS). */
  retryBudgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Trade a one-time enrollment token for this host's own credential.
 * The token is useless afterwards; the credential is what identifies the host from now on.
 *
 * A 429 (this address failed too often: other hosts behind the same address guessing or using
 * stale tokens) or a 503 (the control plane's database is away) is "later", not "no": the agent
 * waits what Retry-After says (plus up to a second of jitter, so hosts told the same thing do not
 * return together) and tries again, within a bounded budget. Every attempt carries the same
 * Idempotency-Key, so a retry after a 503 whose enrollment did commit gets that answer again
 * instead of "token already used".
 */
export async function enroll(server: string, token: string, hostname: string, options: EnrollOptions = {}): Promise<AgentState> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const budget = options.retryBudgetMs ?? ENROLL_RETRY_BUDGET_MS;
  const url = `${httpBaseOf(server)}/api/v1/enroll`;
  const headers = { "idempotency-key": randomUUID() };
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    const res = await postJson(url, { token, hostname }, headers, options.ca);
    const wait = res.status === 429 || res.status === 503 ? waitAsToldMs(res.retryAfter) : undefined;
    if (wait !== undefined) {
      const reason = String(res.body.error ?? "no reason given");
      if (waited + wait > budget)
        throw new Error(
          `enrollment refused (${res.status}) and still refused after ${Math.round(waited / 1000)} s of waiting: ${reason}; start the agent again later`,
        );
      options.log?.(`enrollment refused for now (${res.status}: ${reason}); retrying in ${Math.ceil(wait / 1000)} s as the server asks`, {
        status: res.status,
        attempt,
        retryInMs: wait,
      });
      await sleep(wait);
      waited += wait;
      continue;
    }
    if (res.status < 200 || res.status >= 300)
      throw new Error(`enrollment refused (${res.status}): ${String(res.body.error ?? "no reason given")}`);
    const { hostId, hostName, credential } = res.body;
    if (typeof hostId !== "string" || typeof hostName !== "string" || typeof credential !== "string") {
      throw new Error("enrollment answer lacks hostId/hostName/credential");
    }
    return { server, hostId, hostName, credential };
  }
}
