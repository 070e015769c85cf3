import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode, PROTOCOL_VERSION, type Inventory } from "@vfleet/protocol";
import { getKnownHash, loadInventory } from "@vfleet/db";
import { buildDgx2Inventory } from "../test/build-dgx2-inventory.ts";
import { bearer, enrollHost, startTestStack, type TestStack } from "../test/start-test-stack.ts";
import { connectReadyAgent, TestAgent } from "../test/test-agent.ts";

/**
 * Agents that lie: numbers past what a kernel can report and references that do not
 * hold are refused with 4400 naming the field, the stored inventory stays as it was (and with it
 * the fleet's capacity), and each refusal is in the audit log, not only in a log line.
 */
let stack: TestStack;
let host: { hostId: string; hostName: string; credential: string };
let honest: Inventory;
let storedHash: string;

beforeAll(async () => {
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 60_000 });
  host = await enrollHost(stack.admin, "liar-01");
  honest = buildDgx2Inventory({ hostname: "liar-01" });
  const { agent } = await connectReadyAgent(stack.agentUrl, host.credential);
  const sent = agent.snapshot(honest);
  expect((await agent.next("inventory.ack")).payload.stored).toBe(true);
  storedHash = sent.hash;
  await agent.close();
});
afterAll(async () => {
  await stack?.stop();
});

const PF = "0000:35:00.0";
const copy = (): Inventory => structuredClone(honest);
const pfIndex = (inv: Inventory) => inv.devices.findIndex((d) => d.address === PF);

async function sendLie(inv: Inventory): Promise<{ code: number; reason: string }> {
  const { agent } = await connectReadyAgent(stack.agentUrl, host.credential);
  agent.snapshot(inv);
  return agent.closed;
}

describe("a snapshot that lies is refused, naming the field, and changes nothing", () => {
  const lies: Array<[string, (inv: Inventory) => void, RegExp]> = [
    [
      "sriov_totalvfs 4096",
      (inv) => {
        inv.devices[pfIndex(inv)]!.sriov!.totalVfs = 4096;
      },
      /^payload\.inventory\.devices\.\d+\.sriov\.totalVfs: must be at most 2048 \(VFs per PF\)$/,
    ],
    [
      "NUMA node 2^31",
      (inv) => {
        inv.devices[0]!.numaNode = 2 ** 31;
      },
      /^payload\.inventory\.devices\.0\.numaNode: must be at most 1023 \(MAX_NUMNODES - 1\)$/,
    ],
    [
      "a VF missing from the device list",
      (inv) => {
        inv.devices = inv.devices.filter((d) => d.address !== inv.devices[pfIndex(inv)]!.sriov!.vfs[3]);
      },
      /^payload\.inventory\.devices\[\d+\]\.sriov\.vfs\[3\]: 0000:35:\S+ is not in inventory\.devices$/,
    ],
    [
      "more VFs than sriov_totalvfs",
      (inv) => {
        inv.devices[pfIndex(inv)]!.sriov!.numVfs = 2000;
      },
      /^payload\.inventory\.devices\[\d+\]\.sriov\.numVfs: 2000 is above sriov\.totalVfs 16/,
    ],
    [
      "a device listed twice",
      (inv) => {
        inv.devices.push(inv.devices[0]!);
      },
      /^payload\.inventory\.devices\[\d+\]: \S+ is listed twice$/,
    ],
    [
      "a guest's VLAN 5000",
      (inv) => {
        inv.guests.push({
          name: "g",
          uuid: null,
          state: "running",
          vcpus: 1,
          memoryKiB: 1024,
          machine: null,
          cpuset: null,
          hugepages: false,
          pcieRootPorts: 0,
          hostdevs: [{ kind: "interface", address: PF, managed: true, mac: null, vlan: 5000 }],
        });
      },
      /^payload\.inventory\.guests\.\d+\.hostdevs\.0\.vlan: must be at most 4094/,
    ],
    // PostgreSQL text cannot hold a NUL byte: once the store's failure (1011), now the frame's refusal.
    [
      "a NUL byte in the kernel command line",
      (inv) => {
        inv.host.kernelCmdline = "ro intel_iommu=on\u0000 iommu=pt";
      },
      /^payload\.inventory\.host\.kernelCmdline: must not contain a NUL byte \(U\+0000\)$/,
    ],
    [
      "a NUL byte in a device's driver name",
      (inv) => {
        inv.devices[pfIndex(inv)]!.driver = "mlx5_core\u0000";
      },
      /^payload\.inventory\.devices\.\d+\.driver: must not contain a NUL byte \(U\+0000\)$/,
    ],
  ];
  for (const [what, lie, field] of lies) {
    it(what, async () => {
      const before = await stack.db.auditEvent.count({ where: { hostId: host.hostId, action: "agent.rejected" } });
      const inv = copy();
      lie(inv);
      const closed = await sendLie(inv);
      expect(closed.code).toBe(CloseCode.BAD_MESSAGE);
      expect(closed.reason).toMatch(field);
      expect(await getKnownHash(stack.db, host.hostId)).toBe(storedHash);
      expect((await loadInventory(stack.db, host.hostId))!.devices.find((d) => d.address === PF)!.sriov!.totalVfs).toBe(16);
      await expect
        .poll(() => stack.db.auditEvent.count({ where: { hostId: host.hostId, action: "agent.rejected" } }), { timeout: 5_000 })
        .toBe(before + 1);
      const audit = await stack.db.auditEvent.findFirst({
        where: { hostId: host.hostId, action: "agent.rejected" },
        orderBy: { at: "desc" },
      });
      expect(audit).toMatchObject({ actor: "agent liar-01", after: { closeCode: 4400, code: "bad-message" } });
      expect(audit!.summary).toContain(closed.reason.slice(0, 40));
    });
  }

  it("the fleet's capacity stays the honest one: a dry run for 2000 VFs is refused", async () => {
    const res = await fetch(`${stack.plane.url}/api/v1/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(stack.tokens.operator) },
      body: JSON.stringify({ hostId: host.hostId, dryRun: true, job: { kind: "vf.set-count", params: { pf: PF, count: 2000 } } }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe(
      `job.params.count: must be at most 16 (sriov_totalvfs of ${PF}), got 2000`,
    );
  });

  it("a NUL byte in agent.hello's agentVersion is a 4400 naming the field, and the host keeps its stored version", async () => {
    const agent = await TestAgent.connect(stack.agentUrl, host.credential);
    agent.send("agent.hello", { protocolVersion: PROTOCOL_VERSION, agentVersion: "0.0.0-test\u0000", hostname: "liar-01" });
    const closed = await agent.closed;
    expect(closed).toEqual({ code: CloseCode.BAD_MESSAGE, reason: "payload.agentVersion: must not contain a NUL byte (U+0000)" });
    expect(await stack.db.host.findUnique({ where: { id: host.hostId }, select: { agentVersion: true } })).toEqual({
      agentVersion: "0.0.0-test",
    });
    // Still served: the honest agent's next hello is welcomed.
    const again = await connectReadyAgent(stack.agentUrl, host.credential);
    await again.agent.close();
  });

  it("a hostname its credential does not carry is audited too", async () => {
    const inv = copy();
    inv.host.hostname = "someone-else";
    const closed = await sendLie(inv);
    expect(closed.code).toBe(CloseCode.IDENTITY_MISMATCH);
    await expect
      .poll(
        async () =>
          (await stack.db.auditEvent.findFirst({ where: { hostId: host.hostId, action: "agent.rejected" }, orderBy: { at: "desc" } }))
            ?.after,
        { timeout: 5_000 },
      )
      .toMatchObject({ closeCode: CloseCode.IDENTITY_MISMATCH, code: "identity-mismatch" });
  });
});
