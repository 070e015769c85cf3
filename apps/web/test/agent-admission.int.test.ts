import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { HANDSHAKE_TIMEOUT_MS } from "@vfleet/agent/session";
import { createAgentFleet, type AgentFleet } from "./agent-fleet.ts";
import { startTestStack, type TestStack } from "./start-test-stack.ts";

/**
 * The control plane works on a bounded number of connecting agents and tells the others to come
 * back (503 + Retry-After) before anything slow, so no upgrade outlasts the agent's handshake
 * timeout. Real control plane and PostgreSQL; the agents are the load benchmark's: the real
 * agent's connection code (startAgentSession) over real scans of simulated hosts.
 */
const AGENTS = 12;
let stack: TestStack;
let fleet: AgentFleet;

beforeAll(async () => {
  // One connection at a time: every agent but the first of a wave is told to wait.
  stack = await startTestStack({ agentsConnectingMax: 1 });
  fleet = await createAgentFleet(stack.db, AGENTS, { url: stack.agentUrl, prefix: "admission" });
}, 180_000);
afterAll(async () => {
  await fleet?.stop();
  await stack?.stop();
});

it("agents connecting at once past the limit are told to wait, wait as told, and all connect without a credential conflict", async () => {
  fleet.start();
  await expect.poll(() => fleet.agents.filter((a) => a.synced).length, { timeout: 120_000, interval: 250 }).toBe(AGENTS);

  // Told to wait, and they did: each 503 the control plane counted is one wait the agents logged.
  const toldInLogs = () => stack.logs.filter((l) => l.message === "agents told to wait").reduce((n, l) => n + Number(l.fields?.count), 0);
  expect(fleet.stats.toldToWait).toBeGreaterThan(0);
  await expect.poll(toldInLogs, { timeout: 5_000 }).toBe(fleet.stats.toldToWait);
  // A wait is not a failed attempt: no handshake gave up, and the fence saw each agent once.
  expect(fleet.stats.handshakeTimeouts).toBe(0);
  expect(fleet.stats.credentialConflicts).toBe(0);
  expect(stack.logs.filter((l) => l.message === "agent credential conflict")).toEqual([]);
  expect(fleet.stats.connections).toBe(AGENTS);
  expect(await stack.db.host.count({ where: { online: true } })).toBe(AGENTS);
  const stored = await stack.db.host.findMany({ select: { id: true, snapshotHash: true } });
  for (const agent of fleet.agents) expect(stored.find((h) => h.id === agent.hostId)?.snapshotHash).toBe(agent.hash);
});

it("the benchmark's agent gives up an unanswered upgrade after the real agent's handshake timeout, and tries again", async () => {
  // A server that accepts the TCP connection and never answers the upgrade (a control plane stuck before the 101).
  const accepted: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    accepted.push(Date.now());
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const silent = await createAgentFleet(stack.db, 1, {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/agent`,
    prefix: "admission-silent",
  });
  try {
    silent.start();
    await expect.poll(() => accepted.length, { timeout: 3 * HANDSHAKE_TIMEOUT_MS, interval: 250 }).toBeGreaterThanOrEqual(2);
    expect(silent.stats.handshakeTimeouts).toBeGreaterThanOrEqual(1);
    expect(accepted[1]! - accepted[0]!).toBeGreaterThanOrEqual(HANDSHAKE_TIMEOUT_MS);
  } finally {
    await silent.stop();
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
}, 60_000);
