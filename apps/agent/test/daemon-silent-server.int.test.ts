import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { buildTree } from "@vfleet/simulator";
import { PROTOCOL_VERSION } from "@vfleet/protocol";

/**
 * The agent notices a silent control plane (one frozen for 40 s used to go unnoticed): a real
 * agent process against a real WebSocket server that welcomes it and then answers nothing, not
 * even pings, as a server whose event loop is stuck. The agent must drop the socket after two
 * ping intervals and reconnect; against a server that answers pings it stays connected.
 */
const agentCli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const INTERVAL_MS = 300;
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function startAgentAgainst(autoPong: boolean): Promise<{ connections: () => number; stderr: () => string }> {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", autoPong });
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  );
  let connections = 0;
  wss.on("connection", (ws) => {
    connections++;
    ws.once("message", () =>
      ws.send(
        JSON.stringify({
          type: "server.welcome",
          id: `w-${connections}`,
          ts: new Date().toISOString(),
          payload: {
            hostId: "h-1",
            hostName: "quiet-01",
            protocolVersion: PROTOCOL_VERSION,
            heartbeatIntervalMs: INTERVAL_MS,
            knownHash: null,
          },
        }),
      ),
    );
  });
  await new Promise((r) => wss.once("listening", r));
  const dir = await mkdtemp(join(tmpdir(), "vfleet-silent-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  await buildTree("intel-82576", join(dir, "root"));
  const statePath = join(dir, "state.json");
  await writeFile(
    statePath,
    JSON.stringify({
      server: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/agent`,
      hostId: "h-1",
      hostName: "quiet-01",
      credential: "c".repeat(43),
    }),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", agentCli, "run", "--state", statePath, "--root", join(dir, "root"), "--simulated"],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  cleanup.push(
    () =>
      new Promise<void>((r) => {
        child.once("exit", () => r());
        child.kill("SIGKILL");
      }),
  );
  return { connections: () => connections, stderr: () => stderr };
}

it("drops a server that stops answering after two ping intervals and reconnects", async () => {
  const agent = await startAgentAgainst(false);
  await expect.poll(agent.connections, { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(2);
  expect(agent.stderr()).toMatch(new RegExp(`server silent for \\d+ ms \\(ping interval ${INTERVAL_MS} ms\\): reconnecting`));
}, 60_000);

it("stays connected to a server that answers its pings", async () => {
  const agent = await startAgentAgainst(true);
  await expect.poll(() => agent.stderr(), { timeout: 30_000, interval: 50 }).toContain("connected as quiet-01");
  await new Promise((r) => setTimeout(r, 8 * INTERVAL_MS));
  expect(agent.connections()).toBe(1);
  expect(agent.stderr()).not.toContain("server silent");
}, 60_000);
