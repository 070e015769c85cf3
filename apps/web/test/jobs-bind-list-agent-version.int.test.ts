import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient, type Api } from "./jobs-helpers.ts";
import { buildDgx2Inventory } from "./build-dgx2-inventory.ts";
import { enrollHost, startTestStack, type TestStack } from "./start-test-stack.ts";
import { TestAgent } from "./test-agent.ts";

/**
 * A bind of a list of devices (protocol 1.6) goes only to agents that take it: the seed 000 plan
 * binds each port's VFs in one job for a 1.6 agent and a VF per job for a 1.5 one, and a list sent
 * by hand for a 1.5 agent's host is a 400 naming the field, before anything is queued.
 */
let stack: TestStack;
let api: Api;
const agents: TestAgent[] = [];

async function hostSpeaking(protocolVersion: string, hostname: string): Promise<string> {
  const enrolled = await enrollHost(stack.admin, hostname, hostname);
  const agent = await TestAgent.connect(stack.agentUrl, enrolled.credential);
  agents.push(agent);
  agent.hello(protocolVersion, hostname);
  await agent.next("server.welcome");
  agent.snapshot(buildDgx2Inventory({ hostname }));
  await agent.next("inventory.ack");
  return enrolled.hostId;
}

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack.plane.url, stack.tokens.operator);
});

afterAll(async () => {
  for (const a of agents) await a.close();
  await stack?.stop();
});

describe("device.bind lists and the agent's protocol version", () => {
  it("plans a bind per port for a 1.6 agent and per VF for a 1.5 one; a hand-made list for the 1.5 host is refused", async () => {
    const newHost = await hostSpeaking("1.6", "dgx-new");
    const oldHost = await hostSpeaking("1.5", "dgx-old");
    const binds = async (hostId: string) => {
      const dry = await api.post("/api/v1/plans", { hostId, dryRun: true, template: { name: "seed-000", guest: "dgx-vm" } });
      expect(dry.status, JSON.stringify(dry.body).slice(0, 500)).toBe(200);
      return dry.body.jobs
        .filter((j: { job: { kind: string } }) => j.job.kind === "device.bind")
        .map((j: { job: { params: unknown } }) => j.job.params);
    };
    const batched = await binds(newHost);
    expect(batched).toHaveLength(10);
    expect(batched[0]).toMatchObject({ devices: expect.arrayContaining(["0000:35:00.2"]), driver: "vfio-pci" });
    const perVf = await binds(oldHost);
    expect(perVf).toHaveLength(160);
    expect(perVf[0]).toEqual({ device: "0000:35:00.2", driver: "vfio-pci" });

    const list = { kind: "device.bind", params: { devices: ["0000:35:00.2", "0000:35:00.3"], driver: "vfio-pci" } };
    const refused = await api.post("/api/v1/jobs", { hostId: oldHost, job: list });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      field: "job.params.devices",
      error:
        "job.params.devices: the host's agent speaks protocol 1.5, and a list of devices needs 1.6 or later: upgrade the agent, or bind one device per job (params.device)",
    });
    expect(await stack.db.job.count()).toBe(0);
    const accepted = await api.post("/api/v1/jobs", { hostId: newHost, job: list, dryRun: true });
    expect(accepted.status, JSON.stringify(accepted.body).slice(0, 500)).toBe(200);
  });
});
