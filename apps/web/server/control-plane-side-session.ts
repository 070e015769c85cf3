import { randomUUID } from "node:crypto";
import type { WebSocket, RawData } from "ws";
import {
  CloseCode,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  isSupportedVersion,
  parseAgentMessage,
  type AgentHello,
  type InventorySnapshot,
  type JobDispatch,
  type ServerMessage,
} from "@vfleet/protocol";
import { hashContent } from "@vfleet/protocol/hash";
import { computeCapacity } from "@vfleet/core";
import { findInventoryRefError, markHostConnected, recordAgentRejection, type Db } from "@vfleet/db";
import type { FleetEvents } from "../lib/fleet-events.ts";
import type { JobDispatcher } from "./job-dispatcher.ts";
import type { LivenessWriter } from "./liveness-writer.ts";
import type { SnapshotStoreQueue } from "./snapshot-store-queue.ts";
import type { Log } from "./logger.ts";

/** Who the credential says this socket is. The only source of identity: message bodies are not trusted. */
export interface AgentIdentity {
  hostId: string;
  hostName: string;
  /** Hostname the host enrolled with; every snapshot must report the same one. */
  hostname: string;
}

export interface SessionDeps {
  db: Db;
  events: FleetEvents;
  log: Log;
  heartbeatIntervalMs: number;
  /** An agent that has not said hello by then is holding a socket for nothing. */
  helloTimeoutMs: number;
  jobs: JobDispatcher;
  /** Unsent bytes past which a socket is terminated (default MAX_BUFFERED_BYTES; tests set less). */
  maxBufferedBytes?: number;
  stores: SnapshotStoreQueue;
  liveness: LivenessWriter;
}

type Payload<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>["payload"];

/**
 * Bytes queued for an agent that does not read (beyond what the kernel's socket buffers hold):
 * past four of the largest frames the agent is stuck or hostile, and its socket is closed before
 * it grows the control plane's memory until a ping fails.
 */
export const MAX_BUFFERED_BYTES = 4 * MAX_FRAME_BYTES;

/** How a snapshot frame names its type (see #handle). */
const SNAPSHOT_MARK = Buffer.from('"inventory.snapshot"');

/** WebSocket close reasons are limited to 123 bytes. */
const closeReason = (text: string) => Buffer.from(text).subarray(0, 123).toString();

/**
 * One authenticated agent connection. Frames are handled one at a time, in order; the first
 * bad frame closes the socket before anything from it is written. While a frame waits (a
 * snapshot in the store queue) the socket is not read: the agent's sends back up in TCP
 * instead of in this process's memory, and a slow database slows the agent down.
 */
export class AgentSession {
  readonly identity: AgentIdentity;
  readonly #ws: WebSocket;
  readonly #deps: SessionDeps;
  #ready = false;
  #closing = false;
  /** Reset by every pong; a socket that misses one ping interval is dead. */
  alive = true;
  /** Serialises frame handling and the final offline write behind any pending store. */
  #queue: Promise<void> = Promise.resolve();
  /** Frames received and not yet handled; above one, reading is paused. */
  #inFlight = 0;
  /** Date.now() of the last frame from the agent (its liveness, written in batches). */
  #heardAt = Date.now();
  /** Hash the database holds for this host, as far as this session knows: an equal snapshot costs no write. */
  #knownHash: string | null = null;
  /** When this session's hello was recorded; fences the offline write at close (see markHostOffline). */
  connectedAt: Date | null = null;
  /** The close code and reason, for the connectivity audit event. */
  closedWith: { code: number; reason: string } | null = null;
  readonly #helloTimer: NodeJS.Timeout;
  /** Settles once the socket closed and the close was recorded (host marked offline). */
  readonly done: Promise<void>;
  #settle!: () => void;

  /** Tells the gateway's admission this connection no longer counts as connecting (upgrade-admission.ts). */
  readonly #connected: () => void;

  /**
   * `connected` is called once the connection settled: the hello recorded and the agent's first
   * snapshot stored (or the host's stored one still current), or the socket closed.
   */
  constructor(
    ws: WebSocket,
    identity: AgentIdentity,
    deps: SessionDeps,
    onClosed: (session: AgentSession) => Promise<void>,
    connected: () => void = () => {},
  ) {
    this.#ws = ws;
    this.#connected = connected;
    this.identity = identity;
    this.#deps = deps;
    this.done = new Promise((resolve) => {
      this.#settle = resolve;
    });
    this.#helloTimer = setTimeout(
      () => this.#reject(CloseCode.BAD_MESSAGE, "bad-message", `no agent.hello within ${deps.helloTimeoutMs} ms`),
      deps.helloTimeoutMs,
    );

    ws.on("message", (data, isBinary) => {
      this.#heardAt = Date.now();
      if (++this.#inFlight > 1) ws.pause();
      this.#queue = this.#queue
        .then(() => this.#handle(data, isBinary))
        .catch((err: unknown) => this.#fail(err))
        .finally(() => {
          if (--this.#inFlight <= 1 && ws.isPaused) ws.resume();
        });
    });
    ws.on("pong", () => {
      this.alive = true;
    });
    ws.on("error", (err) => {
      // ws reports an oversized frame here and closes with 1009 itself.
      deps.log("warn", "agent socket error", { hostId: identity.hostId, error: err.message, code: (err as { code?: string }).code });
    });
    ws.on("close", (code, reason) => {
      this.#connected();
      this.#closing = true;
      this.closedWith = { code, reason: reason.toString() };
      clearTimeout(this.#helloTimer);
      deps.log("info", "agent disconnected", { hostId: identity.hostId, code, reason: reason.toString() });
      this.#queue = this.#queue
        .then(() => onClosed(this))
        .catch((err: unknown) => this.#fail(err))
        .finally(() => this.#settle());
    });
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** The agent sent a frame since `sinceMs`, or one of its frames is still being handled (waiting is not silence). */
  heardSince(sinceMs: number): boolean {
    return this.#ready && !this.#closing && (this.#inFlight > 0 || this.#heardAt >= sinceMs);
  }

  /**
   * A frame of this agent is waiting on the control plane (a snapshot in the store queue), so its
   * socket is not being read and its pongs sit unread: not a sign the agent is gone.
   */
  get waiting(): boolean {
    return this.#inFlight > 0;
  }

  ping(): void {
    if (this.#overBuffered()) return;
    this.alive = false;
    this.#ws.ping();
  }

  /** Ping now; true when the agent answers within `timeoutMs` (a live socket, not a half-open one). */
  answersPing(timeoutMs: number): Promise<boolean> {
    if (this.#closing || this.#ws.readyState !== this.#ws.OPEN) return Promise.resolve(false);
    // Paused while its snapshot waits for the store queue, its pong would sit unread: it is alive (it just sent a frame).
    if (this.waiting) return Promise.resolve(true);
    return new Promise((resolve) => {
      const answered = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#ws.off("pong", answered);
        resolve(false);
      }, timeoutMs);
      this.#ws.once("pong", answered);
      this.#ws.ping();
    });
  }

  terminate(): void {
    this.#closing = true;
    this.#ws.terminate();
  }

  close(code: number, reason: string): void {
    this.#closing = true;
    this.#ws.close(code, closeReason(reason));
  }

  /**
   * A snapshot frame waits for the store queue's admission before it is parsed: thousands of
   * agents connecting at once then hold their first snapshots as bytes (a DGX-2's is 145 kB)
   * rather than as parsed inventories, several times larger (the memory bound of a connect storm). The
   * frame's type is spotted in its bytes; a frame that hides it (escaped) is parsed at once,
   * which costs only its own agent's one frame in flight.
   */
  async #handle(data: RawData, isBinary: boolean): Promise<void> {
    if (this.#closing) return;
    const release =
      this.#ready && !isBinary && Buffer.isBuffer(data) && data.includes(SNAPSHOT_MARK) ? await this.#deps.stores.admit() : undefined;
    try {
      await this.#handleFrame(data, isBinary);
    } finally {
      release?.();
    }
  }

  async #handleFrame(data: RawData, isBinary: boolean): Promise<void> {
    if (this.#closing) return;
    if (isBinary) return this.#reject(CloseCode.BAD_MESSAGE, "bad-message", "binary frames are not accepted: send JSON text");
    const raw = data.toString();
    const parsed = parseAgentMessage(raw);
    if (!parsed.success) return this.#reject(CloseCode.BAD_MESSAGE, "bad-message", parsed.error);
    const msg = parsed.data;

    if (!this.#ready) {
      if (msg.type !== "agent.hello")
        return this.#reject(CloseCode.BAD_MESSAGE, "bad-message", `first message must be agent.hello, got ${msg.type}`);
      return this.#hello(msg);
    }
    switch (msg.type) {
      case "agent.hello":
        return this.#reject(CloseCode.BAD_MESSAGE, "bad-message", "agent.hello sent twice on one connection");
      case "agent.heartbeat":
        // Liveness is written in batches (LivenessWriter): receiving the frame was the work.
        return;
      case "inventory.snapshot":
        return this.#snapshot(msg, parsed.json);
      case "job.progress":
        return this.#deps.jobs.progress(this.identity.hostId, msg);
      case "job.result":
        return this.#deps.jobs.result(this.identity.hostId, msg);
    }
  }

  async #hello(msg: AgentHello): Promise<void> {
    const { protocolVersion, agentVersion, adoption } = msg.payload;
    if (!isSupportedVersion(protocolVersion)) {
      return this.#reject(
        CloseCode.UNSUPPORTED_VERSION,
        "unsupported-version",
        `protocol ${protocolVersion} not served; this server speaks ${PROTOCOL_VERSION}`,
      );
    }
    clearTimeout(this.#helloTimer);
    const { db, events, heartbeatIntervalMs } = this.#deps;
    const { hostId, hostName } = this.identity;
    const connectedAt = new Date();
    const { knownHash } = await markHostConnected(db, hostId, { agentVersion, protocolVersion, adoption }, connectedAt);
    this.connectedAt = connectedAt;
    this.#deps.liveness.event({
      hostId,
      action: "host.online",
      summary: `${hostName}: agent ${agentVersion} connected (protocol ${protocolVersion})`,
      after: { agentVersion, protocolVersion },
    });
    this.#knownHash = knownHash;
    if (this.#closing) return;
    this.#ready = true;
    this.#send("server.welcome", { hostId, hostName, protocolVersion: PROTOCOL_VERSION, heartbeatIntervalMs, knownHash });
    this.#deps.log("info", "agent connected", { hostId, hostName, agentVersion, protocolVersion });
    events.emit({ type: "host-online", hostId });
    // A host with a stored snapshot is settled now: an agent whose scan matches sends nothing, and a
    // changed one waits in the store queue, which the admission counts on its own.
    if (knownHash !== null) this.#connected();
    await this.#deps.jobs.connected(hostId, this);
  }

  /** False when the socket is no longer open (the lease then brings the job back). */
  sendJobDispatch(payload: JobDispatch["payload"]): boolean {
    if (this.#closing || this.#ws.readyState !== this.#ws.OPEN) return false;
    this.#send("job.dispatch", payload);
    return true;
  }

  async #snapshot(msg: InventorySnapshot, json: unknown): Promise<void> {
    const { hash, scannedAt, inventory } = msg.payload;
    const { hostId } = this.identity;
    if (inventory.host.hostname !== this.identity.hostname) {
      return this.#reject(
        CloseCode.IDENTITY_MISMATCH,
        "identity-mismatch",
        `payload.inventory.host.hostname is "${inventory.host.hostname}" but this credential belongs to "${this.identity.hostname}"`,
      );
    }
    // The hash decides whether later snapshots are skipped: it must describe what was sent. Hash the
    // frame as sent, not the parsed copy: the schema strips fields a newer (minor) agent may add.
    const sent = (json as { payload: { inventory: unknown } }).payload.inventory;
    if (hashContent(sent) !== hash) {
      return this.#reject(CloseCode.BAD_MESSAGE, "bad-message", "payload.hash is not the sha256 of payload.inventory's canonical JSON");
    }
    // Checked here as well as in storeSnapshot so a bad payload gets 4400 naming the field, not 1011.
    const refError = findInventoryRefError(inventory);
    if (refError) return this.#reject(CloseCode.BAD_MESSAGE, "bad-message", `payload.${refError}`);
    if (hash === this.#knownHash) {
      // Unchanged: nothing to write (liveness goes in the next batch).
      this.#connected();
      this.#send("inventory.ack", { replyTo: msg.id, hash, stored: false });
      this.#deps.log("info", "snapshot received", {
        hostId,
        hash: hash.slice(0, 12),
        stored: false,
        devices: inventory.devices.length,
        storeMs: 0,
      });
      return;
    }
    const capacity = computeCapacity(inventory).totals;
    const t0 = performance.now();
    const { stored, superseded } = await this.#deps.stores.submit(hostId, { hash, scannedAt: new Date(scannedAt), inventory, capacity });
    const storeMs = performance.now() - t0;
    this.#connected();
    // A newer connection of this host sent a newer snapshot while this one waited: that one is acked there.
    if (superseded) return;
    this.#knownHash = hash;
    this.#send("inventory.ack", { replyTo: msg.id, hash, stored });
    this.#deps.log("info", "snapshot received", { hostId, hash: hash.slice(0, 12), stored, devices: inventory.devices.length, storeMs });
    if (stored) this.#deps.events.emit({ type: "host-changed", hostId, hash });
  }

  #send<T extends ServerMessage["type"]>(type: T, payload: Payload<T>): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(JSON.stringify({ type, id: randomUUID(), ts: new Date().toISOString(), payload }));
    this.#overBuffered();
  }

  /** Terminate a socket whose unsent bytes passed MAX_BUFFERED_BYTES; true when it did. */
  #overBuffered(): boolean {
    const queued = this.#ws.bufferedAmount;
    const limit = this.#deps.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
    if (queued <= limit) return false;
    this.#deps.log("warn", "agent not reading, terminating", { hostId: this.identity.hostId, bufferedBytes: queued, limit });
    this.terminate();
    return true;
  }

  /** Tell the agent why (server.error), log and audit it, close with the protocol's code. Nothing from the frame is written. */
  #reject(code: number, errorCode: string, message: string): void {
    if (this.#closing) return;
    const { hostId, hostName } = this.identity;
    this.#deps.log("warn", "agent frame rejected", { hostId, closeCode: code, reason: message });
    recordAgentRejection(this.#deps.db, { hostId, hostName, closeCode: code, code: errorCode, reason: message }).catch((err: unknown) =>
      this.#deps.log("error", "audit of a rejected agent frame failed", {
        hostId,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
    this.#send("server.error", { replyTo: null, code: errorCode, message });
    this.close(code, message);
  }

  #fail(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.#deps.log("error", "agent session failed", { hostId: this.identity.hostId, error: message });
    if (!this.#closing) {
      this.#send("server.error", { replyTo: null, code: "internal", message: "server failed to handle the message" });
      this.close(1011, "internal error");
    }
  }
}
