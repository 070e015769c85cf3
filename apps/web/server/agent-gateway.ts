import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { CloseCode, MAX_FRAME_BYTES } from "@vfleet/protocol";
import { authenticateAgent, markHostOffline, type Db } from "@vfleet/db";
import { AgentSession, type AgentIdentity, type SessionDeps } from "./control-plane-side-session.ts";
import { CredentialFence } from "./credential-fence.ts";
import { UpgradeAdmission } from "./upgrade-admission.ts";

/**
 * Agent connections worked on at once (upgrade to first snapshot stored); the others are told to come
 * back (503 + Retry-After). Enough to keep the snapshot store queue and the hellos fed, few enough that
 * each upgrade is answered well within the agent's handshake timeout (docs/benchmarks/load-real-agents.md).
 */
const AGENTS_CONNECTING_MAX = 64;
/**
 * An upgrade whose authentication and session claim took longer than this is answered 503 instead of
 * 101: half the agent's 10 s handshake timeout, leaving room for the time the request spent
 * in the kernel's accept queue and the agent's own busy moments.
 */
const UPGRADE_ANSWER_WITHIN_MS = 5_000;
/**
 * Upgrades being authenticated and claimed at once. With 8, a storm of 5,000 unchanged hosts came back at 63 a second
 * with the control plane's CPU two thirds idle; with 32, in 49 s instead of 79 (docs/benchmarks/load-real-agents.md).
 */
const UPGRADES_AT_ONCE = 32;
/** A connection not settled by then stops counting against the limit. */
const SETTLE_AT_MOST_MS = 30_000;

/** `Authorization: Bearer <credential>` -> credential, or null. */
function bearerOf(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1] ?? null;
}

/**
 * The `/agent` WebSocket endpoint: authenticates at upgrade, keeps one session per host (the
 * live one: credential-fence.ts), pings to find dead sockets.
 */
export class AgentGateway {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  readonly #deps: SessionDeps;
  /** hostId -> the connection currently serving it. */
  readonly #current = new Map<string, AgentSession>();
  readonly #all = new Set<AgentSession>();
  readonly #fence: CredentialFence;
  readonly #admission: UpgradeAdmission;
  /** Agents told to wait since the last log line (see #tellToWait). */
  #toldToWait: { count: number; maxRetryAfterSec: number; timer: NodeJS.Timeout | undefined } = {
    count: 0,
    maxRetryAfterSec: 0,
    timer: undefined,
  };

  /** Authentication and the session claim: their own connections, so an upgrade never queues behind snapshot stores. */
  readonly #upgradeDb: Db;

  constructor(
    deps: SessionDeps,
    processes: { processId: string; processDeadAfterMs: number },
    options: { connectingMax?: number; upgradeDb?: Db } = {},
  ) {
    this.#deps = deps;
    this.#admission = new UpgradeAdmission({ limit: options.connectingMax ?? AGENTS_CONNECTING_MAX, upgradesMax: UPGRADES_AT_ONCE });
    this.#upgradeDb = options.upgradeDb ?? deps.db;
    this.#fence = new CredentialFence({ db: this.#upgradeDb, log: deps.log, probeTimeoutMs: deps.heartbeatIntervalMs, ...processes });
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Decided at once, before anything slow (authentication, the session claim, the hello's writes):
    // past the limit the agent is told when to come back instead of waiting past its handshake timeout.
    const admission = this.#admission.enter(this.#deps.stores.waiting);
    if (!admission.admitted) return this.#tellToWait(socket, admission.retryAfterSec);
    const { settle, upgraded } = admission;
    const receivedAt = Date.now();
    // An agent that never sends what settles it (a snapshot its scan cannot produce) is not counted forever.
    setTimeout(settle, SETTLE_AT_MOST_MS).unref();
    try {
      await this.#upgrade(req, socket, head, settle, receivedAt);
      upgraded();
    } catch (err) {
      // The session claim or the fence's reads failed (the database went away): the agent retries with its backoff.
      settle();
      socket.destroy();
      this.#deps.log("error", "agent upgrade failed", {
        remote: req.socket.remoteAddress,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, settle: () => void, receivedAt: number): Promise<void> {
    const { db, log } = this.#deps;
    const remote = req.socket.remoteAddress;
    const credential = bearerOf(req.headers.authorization);
    let identity: AgentIdentity | null = null;
    try {
      identity = credential ? await this.#identify(credential) : null;
    } catch (err) {
      log("error", "agent authentication failed", { remote, error: err instanceof Error ? err.message : String(err) });
      socket.destroy();
      settle();
      return;
    }
    // Decided before the upgrade completes (the agent sends hello only after it), one at a time per host.
    await this.#fence.inTurn(identity?.hostId, async () => {
      const refusal = identity ? await this.#fence.refusal(identity, remote ?? null, this.#current.get(identity.hostId)) : null;
      const late = Date.now() - receivedAt > UPGRADE_ANSWER_WITHIN_MS;
      if (!socket.writable || late) {
        // Too late for the 101 (the agent may give up before it arrives) or the agent already gave
        // up: no session for a socket nobody may read. Told to come back if it still listens, and
        // the claim just made goes back, or it would fence the agent's next attempt.
        settle();
        if (socket.writable) this.#tellToWait(socket, this.#admission.later());
        else socket.destroy();
        if (identity && !refusal && !this.#current.has(identity.hostId)) await this.#fence.released(identity.hostId);
        return;
      }
      // Accept, then close with 4401: the agent learns the reason from the close code and stops retrying.
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        if (!identity) {
          settle();
          const reason = credential ? "unknown or revoked credential" : "missing Authorization: Bearer <credential>";
          log("warn", "agent rejected", { remote, closeCode: CloseCode.UNAUTHORIZED, reason });
          ws.close(CloseCode.UNAUTHORIZED, reason);
          return;
        }
        if (refusal) {
          settle();
          return ws.close(refusal.code, refusal.reason);
        }
        const session = new AgentSession(ws, identity, this.#deps, (s) => this.#closed(s), settle);
        this.#fence.admitted(session, remote ?? null);
        this.#all.add(session);
        const previous = this.#current.get(identity.hostId);
        this.#current.set(identity.hostId, session);
        if (previous) {
          log("info", "agent connection replaced", { hostId: identity.hostId, remote });
          previous.close(CloseCode.REPLACED, "replaced by a newer connection with the same credential (this one was silent)");
        }
      });
    });
  }

  /**
   * 503 with Retry-After, straight on the socket (no upgrade, nothing read from the database): the
   * agent waits as told, and nothing of this attempt is held or claimed, so it never meets the
   * credential fence. Logged once a second as a count, not once per agent.
   */
  #tellToWait(socket: Duplex, retryAfterSec: number): void {
    const body = `control plane busy connecting other agents: retry in ${retryAfterSec} s\n`;
    socket.end(
      `HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${retryAfterSec}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    this.#toldToWait.count++;
    this.#toldToWait.maxRetryAfterSec = Math.max(this.#toldToWait.maxRetryAfterSec, retryAfterSec);
    this.#toldToWait.timer ??= setTimeout(() => {
      const { count, maxRetryAfterSec } = this.#toldToWait;
      this.#toldToWait = { count: 0, maxRetryAfterSec: 0, timer: undefined };
      this.#deps.log("info", "agents told to wait", { count, maxRetryAfterSec, connecting: this.#admission.working });
    }, 1000).unref();
  }

  async #identify(credential: string): Promise<AgentIdentity | null> {
    return authenticateAgent(this.#upgradeDb, credential);
  }

  async #closed(session: AgentSession): Promise<void> {
    this.#all.delete(session);
    const { hostId } = session.identity;
    await this.#deps.jobs.disconnected(hostId, session);
    // A replaced connection's close must not mark offline the host its successor now serves.
    if (this.#current.get(hostId) !== session) return;
    this.#current.delete(hostId);
    await this.#fence
      .released(hostId)
      .catch((err: unknown) =>
        this.#deps.log("error", "releasing a host session failed", { hostId, error: err instanceof Error ? err.message : String(err) }),
      );
    if (!session.connectedAt) return; // never said hello: never marked online
    // Fenced by the session's hello time: the agent may already be back on another process.
    if (!(await markHostOffline(this.#deps.db, hostId, { connectedAt: session.connectedAt }))) return;
    const { code, reason } = session.closedWith ?? { code: 1006, reason: "" };
    this.#deps.liveness.event({
      hostId,
      action: "host.offline",
      summary: `${session.identity.hostName}: agent disconnected (${code}${reason ? ` ${reason}` : ""})`,
      after: { closeCode: code, reason },
    });
    this.#deps.events.emit({ type: "host-offline", hostId });
  }

  /** Hosts whose agent was heard from since `sinceMs` (LivenessWriter). */
  heardSince(sinceMs: number): string[] {
    const ids: string[] = [];
    for (const [hostId, session] of this.#current) if (session.heardSince(sinceMs)) ids.push(hostId);
    return ids;
  }

  /**
   * Terminate sockets that missed the last ping; ping the rest. A session waiting on us (its
   * socket paused) is not judged, since its pong sits unread, but still pinged: the agent counts
   * our pings as signs of life and would otherwise reconnect while its snapshot waits.
   */
  checkLiveness(): void {
    for (const session of this.#all) {
      if (!session.alive && !session.waiting) {
        this.#deps.log("warn", "agent socket unresponsive, terminating", { hostId: session.identity.hostId });
        session.terminate();
      } else {
        session.ping();
      }
    }
  }

  /** The sweeper found these hosts silent: drop any socket still claiming them. */
  dropHosts(hostIds: readonly string[]): void {
    for (const hostId of hostIds) this.#current.get(hostId)?.terminate();
  }

  /** Close a host's agent socket (an operator's "disconnect", and the tests' dropped connection). */
  disconnectHost(hostId: string): boolean {
    const session = this.#current.get(hostId);
    session?.terminate();
    return session !== undefined;
  }

  /** The host's credential was revoked: close its socket with 4401 so the agent stops retrying. */
  closeRevoked(hostId: string): boolean {
    const session = this.#current.get(hostId);
    session?.close(CloseCode.UNAUTHORIZED, "credential revoked by an admin");
    return session !== undefined;
  }

  get connectedHosts(): number {
    return this.#current.size;
  }

  async close(): Promise<void> {
    const sessions = [...this.#all];
    for (const session of sessions) session.close(1001, "server shutting down");
    // Let each close record the host offline before the caller stops the database.
    await Promise.race([Promise.all(sessions.map((s) => s.done)), new Promise((r) => setTimeout(r, 3000).unref())]);
    for (const session of sessions) session.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
