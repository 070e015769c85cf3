import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { AGENT_PATHS } from "@vfleet/core";
import {
  claimIdempotencyKey,
  findSshTarget,
  listSshTargets,
  releaseIdempotencyKey,
  renewIdempotencyClaim,
  saveIdempotentAnswer,
  type Db,
} from "@vfleet/db";
import { actorOf, IDENTITY_HEADER, identityFromHeaders } from "../../lib/auth/identity.ts";
import { claimKey, IDEMPOTENCY_KEY_HEADER } from "../../lib/idempotency/claim-key.ts";
import { loadControlPlaneKey } from "./control-plane-key.ts";
import { installAgent } from "./install-agent.ts";
import { HostInstallRequest, ProbeRequest } from "./install-requests.ts";
import { InstallRuns } from "./install-runs.ts";
import { removeAgent } from "./remove-agent.ts";
import { systemdService, type ServiceManager } from "./service-manager.ts";
import { InstallError, probeHostKey } from "./ssh-session.ts";

export interface HostInstallOptions {
  db: Db;
  /** Where the control plane's SSH key lives (made on first use). */
  keyDir: string;
  /** The agent artifact uploaded to hosts (`pnpm build` makes apps/agent/dist/vfleet-agent.mjs). */
  artifact: string;
  /** The agent WebSocket URL as the hosts reach it (not necessarily the loopback one). */
  agentUrl: string;
  caPem?: string;
  minNode: number;
  /** SSH sessions open at once across all runs. */
  maxParallel?: number;
  service?: ServiceManager;
  /** Install paths on the hosts (tests install under a scratch prefix). */
  paths?: typeof AGENT_PATHS;
  onlineTimeoutMs?: number;
}

const HOST_INSTALL_ROUTES = [
  "/api/v1/ssh-key",
  "/api/v1/ssh-targets",
  "/api/v1/ssh-targets/probe",
  "/api/v1/host-installs",
  "/api/v1/host-installs/:id",
];

const send = (res: ServerResponse, status: number, body: unknown): void =>
  void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

async function readText(req: IncomingMessage): Promise<{ ok: true; text: string } | { ok: false; status: number; body: unknown }> {
  let text = "";
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 1_000_000) return { ok: false, status: 413, body: { error: "body: must be at most 1000000 bytes", field: "body" } };
  }
  return { ok: true, text };
}

function parseJson<T>(text: string, schema: z.ZodType<T>): { ok: true; data: T } | { ok: false; status: number; body: unknown } {
  let json: unknown;
  try {
    json = JSON.parse(text || "null");
  } catch {
    return { ok: false, status: 400, body: { error: "body: must be a JSON object", field: "body" } };
  }
  const parsed = schema.safeParse(json ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
  return { ok: false, status: 400, body: { error: `${field}: ${issue?.message ?? "invalid"}`, field } };
}

async function readJson<T>(
  req: IncomingMessage,
  schema: z.ZodType<T>,
): Promise<{ ok: true; data: T } | { ok: false; status: number; body: unknown }> {
  const read = await readText(req);
  return read.ok ? parseJson(read.text, schema) : read;
}

/** The caller the access layer authenticated and sealed on this request, or null. */
function callerOf(req: IncomingMessage) {
  const raw = req.headers[IDENTITY_HEADER];
  return typeof raw === "string" ? identityFromHeaders(new Headers({ [IDENTITY_HEADER]: raw })) : null;
}

const idempotencyQueries = { claimIdempotencyKey, saveIdempotentAnswer, releaseIdempotencyKey, renewIdempotencyClaim };

/**
 * `handle` answers the request; with an Idempotency-Key header a retry of the same request gets
 * the first answer again without running it (claimKey's rules, as for the routes Next serves).
 */
async function answerIdempotently(
  db: Db,
  req: IncomingMessage,
  res: ServerResponse,
  text: string,
  handle: () => Promise<{ status: number; body: unknown }>,
): Promise<void> {
  const key = req.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()];
  if (typeof key !== "string") {
    const { status, body } = await handle();
    return send(res, status, body);
  }
  const identity = callerOf(req);
  const claim = await claimKey(db, idempotencyQueries, {
    key,
    actor: identity ? actorOf(identity) : "anonymous",
    method: req.method ?? "POST",
    path: req.url ?? "",
    body: text,
  });
  if (claim.kind === "answer") {
    const { status, contentType, body, headers } = claim.answer;
    return void res.writeHead(status, { ...(contentType ? { "content-type": contentType } : {}), ...headers }).end(body);
  }
  let answer: { status: number; body: unknown };
  try {
    answer = await handle();
  } catch (err) {
    await claim.release();
    throw err;
  }
  const body = JSON.stringify(answer.body);
  await claim.settle({ status: answer.status, contentType: "application/json", body });
  res.writeHead(answer.status, { "content-type": "application/json" }).end(body);
}

/**
 * The SSH install API (admin only once logins exist):
 * - GET  /api/v1/ssh-key: the control plane's public key, for authorized_keys
 * - GET  /api/v1/ssh-targets: pinned hosts and what is installed
 * - POST /api/v1/ssh-targets/probe { address, port }: the host key's fingerprint, to confirm on first contact
 * - POST /api/v1/host-installs { action, targets, key }: 202 { id } (retried safely with an Idempotency-Key); GET /api/v1/host-installs/:id: live steps
 * Returns false for paths it does not serve.
 */
const INSTALLER_PATH = /^\/api\/v1\/(ssh-key|ssh-targets(\/probe)?|host-installs(\/[^/]+)?)$/;

export function createHostInstallHandler(options: HostInstallOptions): {
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  runs: InstallRuns;
} {
  const runs = new InstallRuns(options.maxParallel ?? 4);
  const service = options.service ?? systemdService;
  const handle = (req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    if (!INSTALLER_PATH.test(path)) return false;
    // Root on every hypervisor: checked here again, not only by the access layer in front.
    const caller = callerOf(req);
    if (caller?.role !== "admin") {
      send(res, caller ? 403 : 401, {
        error: caller ? `${path} needs the admin role; ${caller.name} is ${caller.role}` : "sign in as an admin",
      });
      return true;
    }
    const method = req.method ?? "GET";
    const go = (fn: () => Promise<void>) =>
      void fn().catch((err: unknown) => {
        if (res.headersSent) return;
        if (err instanceof InstallError) send(res, 422, { error: err.message, explanation: err.explanation });
        else send(res, 500, { error: err instanceof Error ? err.message : String(err) });
      });
    if (path === "/api/v1/ssh-key" && method === "GET") {
      go(async () => send(res, 200, { publicKey: (await loadControlPlaneKey(options.keyDir)).publicKey }));
      return true;
    }
    if (path === "/api/v1/ssh-targets" && method === "GET") {
      go(async () => send(res, 200, { targets: await listSshTargets(options.db) }));
      return true;
    }
    if (path === "/api/v1/ssh-targets/probe" && method === "POST") {
      go(async () => {
        const body = await readJson(req, ProbeRequest);
        if (!body.ok) return void send(res, body.status, body.body);
        const { fingerprint, keyType } = await probeHostKey(body.data);
        const pinned = await findSshTarget(options.db, body.data.address, body.data.port);
        send(res, 200, {
          fingerprint,
          keyType,
          pinned: pinned?.hostKeySha256 ?? null,
          matchesPin: pinned ? pinned.hostKeySha256 === fingerprint : null,
        });
      });
      return true;
    }
    if (path === "/api/v1/host-installs" && method === "POST") {
      go(async () => {
        const read = await readText(req);
        if (!read.ok) return void send(res, read.status, read.body);
        await answerIdempotently(options.db, req, res, read.text, async () => {
          const body = parseJson(read.text, HostInstallRequest);
          if (!body.ok) return body;
          const { action, targets, key } = body.data;
          const sshKey =
            key.kind === "pasted"
              ? { privateKey: key.privateKey, passphrase: key.passphrase }
              : { privateKey: (await loadControlPlaneKey(options.keyDir)).privateKey };
          const ctx = {
            db: options.db,
            artifact: options.artifact,
            agentUrl: options.agentUrl,
            caPem: options.caPem,
            minNode: options.minNode,
            service,
            paths: options.paths,
            onlineTimeoutMs: options.onlineTimeoutMs,
          };
          const run = runs.start(action, targets, (log, t) =>
            action === "install" ? installAgent(log, ctx, t, sshKey) : removeAgent(log, ctx, t, sshKey),
          );
          return { status: 202, body: { id: run.id, url: `/api/v1/host-installs/${run.id}` } };
        });
      });
      return true;
    }
    const m = /^\/api\/v1\/host-installs\/([0-9a-f-]{36})$/.exec(path);
    if (m && method === "GET") {
      const run = runs.get(m[1]!);
      if (run) send(res, 200, run);
      else send(res, 404, { error: `id: no install run ${m[1]}`, field: "id" });
      return true;
    }
    return false;
  };
  return { handle, runs };
}
