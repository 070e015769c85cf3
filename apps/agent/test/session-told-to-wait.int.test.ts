import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { PROTOCOL_VERSION } from "@vfleet/protocol";
import { startAgentSession, type AgentSession } from "../src/daemon/agent-side-session.ts";
import { scanHost } from "../src/scan/index.ts";
import { buildTree } from "@vfleet/simulator";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A control plane busy connecting other agents answers the upgrade 503 with Retry-After instead
 * of keeping the agent waiting past its handshake timeout. The real agent's session waits what it
 * is told (not its own backoff, which would bring it back within half a second) and then connects.
 */
const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

it("an agent told 503 + Retry-After waits as told, then connects and reports", async () => {
  const dir = await mkdtemp(join(tmpdir(), "vfleet-told-to-wait-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  await buildTree("intel-82576", join(dir, "root"));
  const inventory = await scanHost(join(dir, "root"));

  const attempts: number[] = [];
  let welcomed = 0;
  const server: Server = createServer();
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    attempts.push(Date.now());
    if (attempts.length === 1) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.once("message", () => {
        welcomed++;
        ws.send(
          JSON.stringify({
            type: "server.welcome",
            id: "w-1",
            ts: new Date().toISOString(),
            payload: {
              hostId: "h-1",
              hostName: "busy-01",
              protocolVersion: PROTOCOL_VERSION,
              heartbeatIntervalMs: 10_000,
              knownHash: null,
            },
          }),
        );
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.push(() => new Promise((r) => server.close(r)));
  cleanup.push(() => {
    for (const c of wss.clients) c.terminate();
  });

  const lines: string[] = [];
  const session: AgentSession = startAgentSession({
    state: {
      server: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/agent`,
      hostId: "h-1",
      hostName: "busy-01",
      credential: "c".repeat(43),
    },
    scan: () => Promise.resolve(inventory),
    scanIntervalMs: 60_000,
    agentVersion: "0.0.0-test",
    log: (line) => lines.push(line),
  });
  cleanup.push(() => session.stop());

  await expect.poll(() => welcomed, { timeout: 30_000 }).toBe(1);
  expect(attempts).toHaveLength(2);
  // Told 2 s: it waited at least that (plus its jitter), where its backoff would have waited under 0.5 s.
  expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(2_000);
  expect(lines.some((l) => /^control plane busy: reconnecting in \d+ ms as it asks$/.test(l))).toBe(true);
  await expect.poll(() => lines.some((l) => l.startsWith("snapshot sent")), { timeout: 30_000 }).toBe(true);
});
