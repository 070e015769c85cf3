import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { CloseCode, MAX_FRAME_BYTES } from "@vfleet/protocol";
import { authenticateAgent, markHostOffline } from "@vfleet/db";
import { AgentSession, type AgentIdentity, type SessionDeps } from "./control-plane-side-session.ts";
import { CredentialFence } from "./credential-fence.ts";

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

  constructor(deps: SessionDeps, processes: { processId: string; processDeadAfterMs: number }) {
    this.#deps = deps;
    this.#fence = new CredentialFence({ db: deps.db, log: deps.log, probeTimeoutMs: deps.heartbeatIntervalMs, ...processes });
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { db, log } = this.#deps;
    const remote = req.socket.remoteAddress;
    const credential = bearerOf(req.headers.authorization);
    let identity: AgentIdentity | null = null;
    try {
      identity = credential ? await this.#identify(credential) : null;
    } catch (err) {
      log("error", "agent authentication failed", { remote, error: err instanceof Error ? err.message : String(err) });
      socket.destroy();
      return;
    }
    // Decided before the upgrade completes (the agent sends hello only after it), one at a time per host.
    await this.#fence.inTurn(identity?.hostId, async () => {
      const refusal = identity ? await this.#fence.refusal(identity, remote ?? null, this.#current.get(identity.hostId)) : null;
      // Accept, then close with 4401: the agent learns the reason from the close code and stops retrying.
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        if (!identity) {
          const reason = credential ? "unknown or revoked credential" : "missing Authorization: Bearer <credential>";
          log("warn", "agent rejected", { remote, closeCode: CloseCode.UNAUTHORIZED, reason });
          ws.close(CloseCode.UNAUTHORIZED, reason);
          return;
        }
        if (refusal) return ws.close(refusal.code, refusal.reason);
        const session = new AgentSession(ws, identity, this.#deps, (s) => this.#closed(s));
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

  async #identify(credential: string): Promise<AgentIdentity | null> {
    return authenticateAgent(this.#deps.db, credential);
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
