import { afterAll, beforeAll, expect, it } from "vitest";
import { listAuditEvents } from "@vfleet/db";
import { createAgentFleet, type AgentFleet } from "./agent-fleet.ts";
import { startTestStack, type TestStack } from "./start-test-stack.ts";

/**
 * The reconnect storm: 500 agents connecting at once (once only 29 completed and 679 stores failed
 * with 1011), then all of them dropped and reconnecting with changed inventories. Real control
 * plane, real PostgreSQL, real sockets on loopback; each agent is the real agent's session code
 * (handshake timeout, backoff, Retry-After) in this process, over a real scan of a simulated host
 * (5% DGX-2). Bounded in time by the poll timeouts; the figures are printed, never asserted.
 */
const AGENTS = 500;
let stack: TestStack;
let fleet: AgentFleet;

beforeAll(async () => {
  stack = await startTestStack({ heartbeatIntervalMs: 10_000, offlineAfterMs: 60_000 });
  fleet = await createAgentFleet(stack.db, AGENTS, { url: stack.agentUrl, dgx2Share: 0.05, prefix: "storm" });
}, 180_000);
afterAll(async () => {
  await fleet?.stop();
  await stack?.stop();
});

const storedHashes = async () =>
  new Map((await stack.db.host.findMany({ select: { id: true, snapshotHash: true } })).map((h) => [h.id, h.snapshotHash]));
const allStored = async () => {
  const stored = await storedHashes();
  return fleet.agents.filter((a) => a.synced && stored.get(a.hostId) === a.hash).length;
};

it("500 agents connecting at once, then dropped and reconnecting with changed inventories: all stored, none closed for an internal error", async () => {
  let t0 = Date.now();
  fleet.start();
  await expect.poll(allStored, { timeout: 150_000, interval: 500 }).toBe(AGENTS);
  const connectMs = Date.now() - t0;

  // The storm: the control plane drops every socket at once; each agent comes back (jittered
  // backoff) with a changed inventory, so every host is stored again.
  t0 = Date.now();
  for (const agent of fleet.agents) stack.plane.disconnectAgent(agent.hostId);
  for (const agent of fleet.agents)
    agent.change((inv) => {
      inv.host.kernelCmdline += " storm=1";
    });
  await expect.poll(allStored, { timeout: 150_000, interval: 500 }).toBe(AGENTS);
  const stormMs = Date.now() - t0;

  expect(fleet.stats.closeCodes.get(1011) ?? 0).toBe(0);
  expect(stack.logs.filter((l) => l.level === "error")).toEqual([]);
  // Each agent connected once, then once more after the drop: no extra round trips, no conflicts.
  expect(fleet.stats.connections).toBe(2 * AGENTS);
  expect(fleet.stats.credentialConflicts).toBe(0);
  expect(await stack.db.host.count({ where: { online: true } })).toBe(AGENTS);

  // Connectivity is in the audit log, written in batches: each host online twice, offline once.
  await expect
    .poll(async () => await stack.db.auditEvent.count({ where: { action: "host.online" } }), { timeout: 10_000 })
    .toBe(2 * AGENTS);
  expect(await stack.db.auditEvent.count({ where: { action: "host.offline" } })).toBe(AGENTS);
  const [one] = (await listAuditEvents(stack.db, { hostId: fleet.agents[0]!.hostId })).filter((e) => e.action === "host.offline");
  expect(one?.summary).toMatch(/^storm-00000: agent disconnected \(1006/);

  console.log(
    `reconnect storm, ${AGENTS} agents (5% DGX-2): all connected and stored in ${(connectMs / 1000).toFixed(1)} s; ` +
      `all dropped and reconnected with changed inventories, stored again in ${(stormMs / 1000).toFixed(1)} s; close codes seen ${JSON.stringify([...fleet.stats.closeCodes])}; ` +
      `handshake timeouts ${fleet.stats.handshakeTimeouts}, told to wait ${fleet.stats.toldToWait}`,
  );
}, 330_000);
