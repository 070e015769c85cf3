import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { backoffDelayMs } from "@vfleet/agent/backoff";
import { PROTOCOL_VERSION, parseServerMessage, type AgentMessage, type Inventory } from "@vfleet/protocol";
import { hashContent } from "@vfleet/protocol/hash";

export interface FakeAgentOptions {
  /** `ws://.../agent`; a function picks one per connection (several processes, a balancer). */
  url: string | (() => string);
  credential: string;
  inventory: Inventory;
  /** Reconnect after a drop with the real agent's jittered backoff (default true). */
  reconnect?: boolean;
  backoffBaseMs?: number;
}

/** What a fleet of fake agents saw; the load benchmark and the storm test read it. */
export interface FakeAgentStats {
  /** Close codes received from the server, with counts. */
  closeCodes: Map<number, number>;
  /** server.error codes received. */
  errors: Map<string, number>;
  jobsAnswered: number;
}

export const newStats = (): FakeAgentStats => ({ closeCodes: new Map(), errors: new Map(), jobsAnswered: 0 });
const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);

/**
 * A load generator speaking the real wire protocol over a real WebSocket: hello, a snapshot when
 * the server does not hold its hash, heartbeats at the interval the server asks, every job
 * answered at once with a success, and reconnects with the agent's own jittered backoff. It
 * scans nothing: its inventory is given (a real scan of a simulated host, cloned per agent).
 */
export class FakeAgent {
  readonly #o: FakeAgentOptions;
  readonly #stats: FakeAgentStats;
  #ws: WebSocket | null = null;
  #hash: string;
  #heartbeat: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #attempt = 0;
  #stopped = false;
  /** The hash the server acknowledged last (stored or already held). */
  ackedHash: string | null = null;
  /** Date.now() when the server acknowledged the current inventory. */
  ackedAt = 0;
  connections = 0;
  /**
   * Hold dispatched jobs instead of answering (a job still running on the host). The real
   * agent's runner outlives its connection: a redelivery joins the run, and the result goes out
   * on whichever connection is open, for the latest attempt.
   */
  holdJobs = false;
  readonly #held = new Map<string, number>();

  constructor(options: FakeAgentOptions, stats: FakeAgentStats) {
    this.#o = options;
    this.#stats = stats;
    this.#hash = hashContent(options.inventory);
  }

  get hostInventory(): Inventory {
    return this.#o.inventory;
  }

  get hash(): string {
    return this.#hash;
  }

  /** True once the server holds this agent's current inventory. */
  get synced(): boolean {
    return this.ackedHash === this.#hash;
  }

  /** A connection is opening or open (a test reconnecting by hand waits for it to end). */
  get connecting(): boolean {
    return this.#ws !== null && (this.#ws.readyState === WebSocket.CONNECTING || this.#ws.readyState === WebSocket.OPEN);
  }

  connect(): void {
    const url = typeof this.#o.url === "function" ? this.#o.url() : this.#o.url;
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${this.#o.credential}` }, perMessageDeflate: false });
    this.#ws = ws;
    ws.on("open", () => {
      this.connections++;
      this.#send("agent.hello", {
        protocolVersion: PROTOCOL_VERSION,
        agentVersion: "0.0.0-load",
        hostname: this.#o.inventory.host.hostname,
      });
    });
    ws.on("message", (data) => this.#message(data.toString()));
    ws.on("error", () => {});
    ws.on("close", (code) => {
      clearInterval(this.#heartbeat);
      bump(this.#stats.closeCodes, code);
      if (this.#ws !== ws || this.#stopped || this.#o.reconnect === false) return;
      this.#retry = setTimeout(() => this.connect(), backoffDelayMs(this.#attempt++, { baseMs: this.#o.backoffBaseMs ?? 500 }));
    });
  }

  /** A changed inventory (an operator's change on the host): sent at once when connected. */
  change(mutate: (inventory: Inventory) => void): void {
    mutate(this.#o.inventory);
    this.#hash = hashContent(this.#o.inventory);
    this.#sendSnapshot();
  }

  /** Drop the connection abruptly (the agent reconnects unless stopped). */
  drop(): void {
    this.#ws?.terminate();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#retry);
    this.#ws?.terminate();
  }

  #message(raw: string): void {
    const parsed = parseServerMessage(raw);
    if (!parsed.success) throw new Error(`server sent an invalid frame: ${parsed.error}`);
    const msg = parsed.data;
    switch (msg.type) {
      case "server.welcome":
        this.#heartbeat = setInterval(
          () => this.#send("agent.heartbeat", { uptimeSec: process.uptime() }),
          msg.payload.heartbeatIntervalMs,
        );
        if (msg.payload.knownHash === this.#hash) this.#acked(this.#hash);
        else this.#sendSnapshot();
        break;
      case "inventory.ack":
        this.#attempt = 0;
        this.#acked(msg.payload.hash);
        break;
      case "job.dispatch":
        this.#held.set(msg.payload.jobId, msg.payload.attempt);
        if (!this.holdJobs) this.releaseJobs();
        break;
      case "server.error":
        bump(this.#stats.errors, msg.payload.code);
        break;
    }
  }

  /** Jobs dispatched and not answered yet (id -> latest attempt). */
  get heldJobs(): ReadonlyMap<string, number> {
    return this.#held;
  }

  /** Answer every held job with a success, on the current connection. */
  releaseJobs(): void {
    if (this.#ws?.readyState !== WebSocket.OPEN) return;
    for (const [jobId, attempt] of this.#held) {
      this.#stats.jobsAnswered++;
      this.#send("job.result", { jobId, attempt, result: { status: "succeeded", changed: false, steps: [], error: null, observed: {} } });
    }
    this.#held.clear();
  }

  #acked(hash: string): void {
    this.ackedHash = hash;
    this.ackedAt = Date.now();
    this.#attempt = 0;
  }

  #sendSnapshot(): void {
    this.#send("inventory.snapshot", { hash: this.#hash, scannedAt: new Date().toISOString(), scanMs: 0, inventory: this.#o.inventory });
  }

  #send<T extends AgentMessage["type"]>(type: T, payload: Extract<AgentMessage, { type: T }>["payload"]): void {
    if (this.#ws?.readyState !== WebSocket.OPEN) return;
    this.#ws.send(JSON.stringify({ type, id: randomUUID(), ts: new Date().toISOString(), payload }));
  }
}
