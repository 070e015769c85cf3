import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { PROTOCOL_VERSION, parseServerMessage, type Inventory, type ServerMessage } from "@vfleet/protocol";
import { hashContent } from "@vfleet/protocol/hash";

/** A hand-driven agent speaking the wire protocol over a real socket, for gateway tests. */
export class TestAgent {
  readonly ws: WebSocket;
  readonly received: ServerMessage[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: { type: string; resolve: (m: ServerMessage) => void }[] = [];

  constructor(url: string, credential: string | null) {
    this.ws = new WebSocket(url, { headers: credential ? { authorization: `Bearer ${credential}` } : {}, maxPayload: 64 * 1024 * 1024 });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("error", reject);
    });
    this.closed = new Promise((resolve) => this.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on("error", () => {});
    this.ws.on("message", (data) => {
      const parsed = parseServerMessage(data.toString());
      if (!parsed.success) throw new Error(`server sent an invalid frame: ${parsed.error}`);
      this.received.push(parsed.data);
      const i = this.#waiters.findIndex((w) => w.type === parsed.data.type);
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(parsed.data);
    });
  }

  static async connect(url: string, credential: string | null): Promise<TestAgent> {
    const agent = new TestAgent(url, credential);
    await agent.opened;
    return agent;
  }

  /** The next message of `type` not yet consumed (already received ones first). */
  next<T extends ServerMessage["type"]>(type: T, timeoutMs = 30_000): Promise<Extract<ServerMessage, { type: T }>> {
    const i = this.received.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.received.splice(i, 1)[0] as Extract<ServerMessage, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(m), 1);
          resolve(m as Extract<ServerMessage, { type: T }>);
        },
      });
    });
  }

  sendRaw(frame: string | Buffer): void {
    this.ws.send(frame);
  }

  send(type: string, payload: unknown): string {
    const id = randomUUID();
    this.ws.send(JSON.stringify({ type, id, ts: new Date().toISOString(), payload }));
    return id;
  }

  hello(protocolVersion = PROTOCOL_VERSION, hostname = "test-host"): void {
    this.send("agent.hello", { protocolVersion, agentVersion: "0.0.0-test", hostname });
  }

  snapshot(inventory: Inventory): { id: string; hash: string } {
    const hash = hashContent(inventory);
    const id = this.send("inventory.snapshot", { hash, scannedAt: new Date().toISOString(), scanMs: 1, inventory });
    return { id, hash };
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close(1000, "test done");
    return this.closed;
  }
}

/** Connect, say hello, wait for the welcome. */
export async function connectReadyAgent(
  url: string,
  credential: string,
  hostname?: string,
): Promise<{ agent: TestAgent; welcome: Extract<ServerMessage, { type: "server.welcome" }> }> {
  const agent = await TestAgent.connect(url, credential);
  agent.hello(undefined, hostname);
  const welcome = await agent.next("server.welcome");
  return { agent, welcome };
}
