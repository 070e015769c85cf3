import { randomUUID } from "node:crypto";
import { rootCertificates } from "node:tls";
import WebSocket from "ws";
import {
  CloseCode,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  parseServerMessage,
  type AgentAdoption,
  type AgentMessage,
  Inventory,
} from "@vfleet/protocol";
import { hashContent } from "@vfleet/protocol/hash";
import { backoffDelayMs } from "./backoff.ts";
import { waitAsToldMs } from "./retry-after.ts";
import type { JobRunner } from "./job-runner.ts";
import type { AgentState } from "./state-file.ts";

export interface AgentSessionOptions {
  state: AgentState;
  /** Reads the host; called every `scanIntervalMs` while connected. */
  scan: () => Promise<Inventory>;
  scanIntervalMs: number;
  /**
   * A cheap summary of the host (scan/fingerprint-host.ts): each tick the agent computes it and
   * runs the full scan only when it changed, after a job, or every `fullScanEveryMs`. Without it
   * every tick is a full scan.
   */
  fingerprint?: () => string;
  /** The slow safety interval for what the fingerprint cannot see (default 60 s). */
  fullScanEveryMs?: number;
  agentVersion: string;
  /** What the agent's policy adopts, said at every hello (protocol 1.8) so the control plane can mark the rest. */
  adoption?: AgentAdoption;
  log: (line: string) => void;
  /** Called when the server refuses the credential: re-enrollment is needed, retrying is futile. */
  onRefused?: (code: number, reason: string) => void;
  /** Runs `job.dispatch`es; lives across reconnects so finished results answer redeliveries. */
  jobs?: JobRunner;
  /** Each time the server welcomes a connection: the local address the socket uses (to protect its interface). */
  onConnected?: (info: { localAddress: string | undefined }) => void;
  /** Connection and snapshot state as it changes (for the status file). */
  onStatus?: (change: { connected?: boolean; lastSnapshotAt?: string; lastSnapshotHash?: string; lastError?: string }) => void;
  /** Extra trusted CA certificates (PEM) for a wss:// server signed by a private CA. */
  ca?: string;
}

export interface AgentSession {
  stop(): Promise<void>;
}

/**
 * How long the agent waits for the control plane's answer to its upgrade (the 101, or a 503 saying
 * when to come back) before it gives up and reconnects with backoff. The control plane answers
 * before anything slow (it authenticates after the 101, and says "try again later" while it is busy
 * connecting others), so the answer is quick even with thousands of agents connecting at once:
 * docs/benchmarks/load-real-agents.md has the measured upgrade times this is chosen from.
 */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

const FATAL_CLOSE_CODES = new Set<number>([CloseCode.UNAUTHORIZED, CloseCode.IDENTITY_MISMATCH, CloseCode.UNSUPPORTED_VERSION]);
/**
 * Refused because another live agent holds this credential (4423): retrying in seconds would only
 * be refused again and fill the audit log. Wait at least a minute, then up to five more (jittered):
 * the agent still comes back by itself once the other one is gone or the credential is revoked.
 */
const CREDENTIAL_IN_USE_MIN_DELAY_MS = 60_000;
const CREDENTIAL_IN_USE_JITTER_CAP_MS = 5 * 60_000;

type Payload<T extends AgentMessage["type"]> = Extract<AgentMessage, { type: T }>["payload"];

/**
 * One agent's life on the wire: connect with the credential, say hello, send a snapshot
 * whenever the scanned content hash differs from what the server holds, heartbeat, and
 * reconnect with jittered backoff when the connection drops. Jobs the server dispatches go to
 * the JobRunner; their steps and result go back on whichever connection is open when they happen.
 */
export function startAgentSession(options: AgentSessionOptions): AgentSession {
  const { state, log } = options;
  let stopped = false;
  let attempt = 0;
  let socket: WebSocket | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  const startedAt = Date.now();

  const connect = () => {
    if (stopped) return;
    const ws = new WebSocket(state.server, {
      headers: { authorization: `Bearer ${state.credential}` },
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}),
    });
    socket = ws;
    let heartbeat: NodeJS.Timeout | undefined;
    let liveness: NodeJS.Timeout | undefined;
    /** Anything from the server (a frame, a ping, a pong) proves it alive. */
    let heardAt = Date.now();
    const heard = () => {
      heardAt = Date.now();
    };
    ws.on("pong", heard);
    ws.on("ping", heard);
    let scanTimer: NodeJS.Timeout | undefined;
    /** Hash the server is known to hold (from welcome or ack); equal scans are not sent. */
    let serverHash: string | null = null;
    let sentHash: string | null = null;
    /** The hash last reported through onStatus as held by the server. */
    let confirmedHash: string | null = null;

    const send = <T extends AgentMessage["type"]>(type: T, payload: Payload<T>) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(JSON.stringify({ type, id: randomUUID(), ts: new Date().toISOString(), payload }));
    };

    let scanning = false;
    let soon: NodeJS.Timeout | undefined;
    /** A change landed while a scan was reading: scan again as soon as it ends. */
    let rescan = false;
    /** Fingerprint of the host at the last full scan, and when that scan ran. */
    let scannedFingerprint: string | null = null;
    let lastFullScanAt = 0;
    const fingerprint = () => {
      try {
        return options.fingerprint?.() ?? null;
      } catch {
        return null; // a device vanished mid-read: that is a change, scan in full
      }
    };
    const fullScanEveryMs = options.fullScanEveryMs ?? 60_000;
    /**
     * While jobs run, the snapshot waits for a pause: a full scan between two jobs of a plan delays
     * the next one by the scan's time (a DGX-2: ~130 ms per job), and the host is mid-change anyway.
     * Not longer than the safety interval: a plan of hours still reports its host.
     */
    const yieldToJobs = () => (options.jobs?.busy() ?? false) && Date.now() - lastFullScanAt < fullScanEveryMs;
    /** A job changed the host: a forced scan is owed once the jobs pause (kept across skipped attempts). */
    let owedAfterJobs = false;
    const scanAndReport = async (force = false) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (!force && yieldToJobs()) {
        clearTimeout(scanTimer);
        scanTimer = setTimeout(() => void scanAndReport(), options.scanIntervalMs);
        return;
      }
      if (scanning) {
        rescan = true;
        return;
      }
      scanning = true;
      force ||= rescan;
      rescan = false;
      clearTimeout(scanTimer);
      try {
        const timed = async () => {
          // Taken before the scan: a change during the scan makes the next tick differ and rescan.
          const fp = fingerprint();
          const due = force || fp === null || fp !== scannedFingerprint || Date.now() - lastFullScanAt >= fullScanEveryMs;
          if (!due) return null;
          const t0 = performance.now();
          const inv = await options.scan();
          scannedFingerprint = fp;
          lastFullScanAt = Date.now();
          return { inv, ms: performance.now() - t0 };
        };
        // Between jobs only (JobRunner.exclusive): never report a host in the middle of a change.
        const inventory = await (options.jobs ? options.jobs.exclusive(timed) : timed());
        if (inventory === null) return; // nothing the fingerprint sees changed: no scan, no hash, nothing sent
        const scanMs = inventory.ms;
        const hash = hashContent(inventory.inv);
        // The server would close on a snapshot that fails the schema: keep the connection (and
        // heartbeats) and say which field is wrong instead of reconnecting in a loop.
        const valid = Inventory.safeParse(inventory.inv);
        if (!valid.success) {
          const issue = valid.error.issues[0];
          log(`scan result not sent: inventory.${issue?.path.join(".")}: ${issue?.message}`);
        } else if (hash === serverHash) {
          attempt = 0; // the server holds what this host is: the connection is healthy
          if (confirmedHash !== hash) options.onStatus?.({ lastSnapshotAt: new Date().toISOString(), lastSnapshotHash: hash });
          confirmedHash = hash;
        } else if (hash !== sentHash) {
          sentHash = hash;
          send("inventory.snapshot", { hash, scannedAt: new Date().toISOString(), scanMs, inventory: inventory.inv });
          log(`snapshot sent hash=${hash.slice(0, 12)} devices=${inventory.inv.devices.length} scan=${scanMs.toFixed(0)}ms`);
        }
      } catch (err) {
        log(`scan failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        scanning = false;
        clearTimeout(scanTimer);
        if (ws.readyState === WebSocket.OPEN && !stopped)
          scanTimer = setTimeout(() => void scanAndReport(), rescan ? 0 : options.scanIntervalMs);
      }
    };

    ws.on("open", () => {
      send("agent.hello", {
        protocolVersion: PROTOCOL_VERSION,
        agentVersion: options.agentVersion,
        hostname: state.hostName,
        ...(options.adoption ? { adoption: options.adoption } : {}),
      });
    });

    ws.on("message", (data) => {
      heard();
      const parsed = parseServerMessage(data.toString());
      if (!parsed.success) {
        log(`ignoring bad server frame: ${parsed.error}`);
        return;
      }
      const msg = parsed.data;
      switch (msg.type) {
        case "server.welcome":
          // Backoff resets only once the server accepted a snapshot (inventory.ack / equal hash):
          // a server that welcomes and then refuses every snapshot must not be hammered.
          serverHash = msg.payload.knownHash;
          log(`connected as ${msg.payload.hostName} (${msg.payload.hostId})`);
          options.onStatus?.({ connected: true });
          options.onConnected?.({ localAddress: (ws as unknown as { _socket?: { localAddress?: string } })._socket?.localAddress });
          heartbeat = setInterval(
            () => send("agent.heartbeat", { uptimeSec: (Date.now() - startedAt) / 1000 }),
            msg.payload.heartbeatIntervalMs,
          );
          // The agent pings too: a frozen control plane (its event loop stuck, a half-open TCP
          // connection) answers nothing, and two silent intervals end the connection so the agent
          // reconnects, instead of waiting on a socket that will never speak again. Pinged every half
          // interval, a live server is never silent much past half an interval; checked as often,
          // 1.5 intervals of silence is noticed within two.
          const interval = msg.payload.heartbeatIntervalMs;
          clearInterval(liveness);
          liveness = setInterval(
            () => {
              const silentMs = Date.now() - heardAt;
              if (silentMs > 1.5 * interval) {
                log(`server silent for ${silentMs} ms (ping interval ${interval} ms): reconnecting`);
                ws.terminate();
                return;
              }
              ws.ping();
            },
            Math.max(50, Math.floor(interval / 2)),
          );
          options.jobs?.setReplies({
            progress: (jobId, attempt, step) => send("job.progress", { jobId, attempt, step }),
            result: (jobId, attempt, result) => {
              send("job.result", { jobId, attempt, result });
              // The change is on the host now: report it soon, not at the next scan tick (coalesced:
              // a plan's jobs follow each other within milliseconds, and the scan waits for a pause).
              // Forced: a job may change what the fingerprint cannot see (a VF's MAC or VLAN).
              owedAfterJobs ||= result.changed;
              if (owedAfterJobs) {
                clearTimeout(soon);
                soon = setTimeout(() => {
                  if (yieldToJobs()) return; // the next job's result comes back here
                  owedAfterJobs = false;
                  void scanAndReport(true);
                }, 150);
              }
            },
          });
          void scanAndReport(true);
          break;
        case "job.dispatch":
          if (!options.jobs) {
            log(`job ${msg.payload.jobId} refused: this agent runs no jobs`);
            send("job.result", {
              jobId: msg.payload.jobId,
              attempt: msg.payload.attempt,
              result: {
                status: "failed",
                changed: false,
                steps: [],
                error: {
                  code: "jobs-disabled",
                  message: "this agent was started without a job runner",
                  explanation: "The agent process does not execute jobs; restart it with `agent run`.",
                },
                observed: {},
              },
            });
            break;
          }
          options.jobs.dispatch(msg.payload);
          break;
        case "inventory.ack":
          attempt = 0;
          serverHash = msg.payload.hash;
          confirmedHash = msg.payload.hash;
          options.onStatus?.({ lastSnapshotAt: new Date().toISOString(), lastSnapshotHash: msg.payload.hash });
          break;
        case "server.error":
          log(`server error ${msg.payload.code}: ${msg.payload.message}`);
          break;
      }
    });

    ws.on("error", (err) => log(`connection error: ${err.message}`));

    /** Set when the server answered "later" (503 / 429 with Retry-After): the next attempt waits this, not the backoff. */
    let toldToWaitMs: number | undefined;
    // A server may refuse the credential before upgrading (HTTP 401) instead of closing with 4401.
    ws.on("unexpected-response", (_req, res) => {
      if (res.statusCode === 401 || res.statusCode === 403) {
        stopped = true;
        log(`server refused the credential (HTTP ${res.statusCode})`);
        options.onRefused?.(CloseCode.UNAUTHORIZED, `HTTP ${res.statusCode}`);
      } else if (res.statusCode === 503 || res.statusCode === 429) {
        // Busy connecting other agents (or its database is away): not a failure of this agent, so the
        // backoff does not grow; it comes back when told, the jitter spreading hosts told the same.
        toldToWaitMs = waitAsToldMs(res.headers["retry-after"]);
      }
      res.resume();
      ws.terminate();
    });

    ws.on("close", (code, reason) => {
      if (socket === ws) options.jobs?.setReplies(null);
      clearInterval(heartbeat);
      clearInterval(liveness);
      clearTimeout(scanTimer);
      clearTimeout(soon);
      if (stopped) return;
      const why = reason.toString() || "no reason";
      options.onStatus?.({ connected: false, lastError: `disconnected (${code} ${why})` });
      if (FATAL_CLOSE_CODES.has(code)) {
        // Retrying cannot help: the credential is revoked, the host was renamed (its scan no longer
        // matches its enrollment) or the protocol is too old. An operator must act.
        log(`server refused this agent (${code}): ${why}`);
        options.onRefused?.(code, why);
        return;
      }
      if (toldToWaitMs !== undefined) {
        log(`control plane busy: reconnecting in ${toldToWaitMs} ms as it asks`);
        retryTimer = setTimeout(connect, toldToWaitMs);
        return;
      }
      const fenced = code === CloseCode.CREDENTIAL_IN_USE;
      const delay = fenced
        ? CREDENTIAL_IN_USE_MIN_DELAY_MS + backoffDelayMs(attempt++, { capMs: CREDENTIAL_IN_USE_JITTER_CAP_MS })
        : backoffDelayMs(attempt++);
      if (fenced)
        log(
          `another live agent holds this host's credential (${code}): if this host's agent is the real one, an admin must revoke the credential and enroll again`,
        );
      log(`disconnected (${code} ${why}); reconnecting in ${delay} ms`);
      retryTimer = setTimeout(connect, delay);
    });
  };

  connect();

  return {
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      const ws = socket;
      if (!ws || ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        ws.once("close", () => resolve());
        ws.close(1000, "agent stopping");
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2000).unref();
      });
    },
  };
}
