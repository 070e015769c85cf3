import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimulatedHostIO } from "@vfleet/agent/host-io/simulated";
import { loadInventory } from "@vfleet/db";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { waitFor } from "./jobs-helpers.ts";
import { startTestStack, type TestStack } from "./start-test-stack.ts";

/**
 * An idle agent does not rescan the whole host each tick: it compares a cheap fingerprint and
 * scans in full only when that changed, or at a slow safety interval. Changes made on the host by
 * someone else (not through a vfleet job) must still arrive: a VF count written by hand is seen by
 * the fingerprint within a tick or two, even with a 10-minute safety interval; a VF MAC set
 * through the PF (netlink only, invisible to the fingerprint) arrives at the safety interval.
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));

let stack: TestStack;
const fleets: Fleet[] = [];
let workDir: string;

async function startHost(name: string, fullScanMs: number) {
  const fleet = await startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir: join(workDir, name),
    hosts: [{ name, profile: "intel-82576" }],
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 500,
    agentArgs: ["--full-scan-interval-ms", String(fullScanMs)],
    log: () => {},
  });
  fleets.push(fleet);
  const host = await waitFor(
    `${name}'s first snapshot`,
    async () => (await stack.db.host.findFirst({ where: { name, snapshotAt: { not: null } } })) ?? undefined,
  );
  return { hostId: host.id, root: fleet.hosts[0]!.root };
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "vfleet-change-detection-"));
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 8000 });
});
afterAll(async () => {
  for (const f of fleets) await f.stop();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("an idle agent's change detection", () => {
  it("reports a VF count written by hand within seconds, with a 10-minute full-scan interval", async () => {
    const { hostId, root } = await startHost("igb-fingerprint", 600_000);
    const before = (await loadInventory(stack.db, hostId))!;
    const pf = before.devices.find((d) => d.sriov && d.sriov.numVfs > 0)!;
    const io = createSimulatedHostIO(root);
    const t0 = Date.now();
    await io.writeSysfs(`sys/bus/pci/devices/${pf.address}/sriov_numvfs`, "0");
    await waitFor(
      "the hand-written VF count stored",
      async () => {
        const inv = await loadInventory(stack.db, hostId);
        return inv?.devices.find((d) => d.address === pf.address)?.sriov?.numVfs === 0 ? true : undefined;
      },
      20_000,
    );
    console.log(`hand-written VF count stored ${Date.now() - t0} ms after the write (ticks of 500 ms)`);
  });

  it("reports a VF MAC set through the PF at the safety interval", async () => {
    const { hostId, root } = await startHost("igb-safety-scan", 3000);
    const before = (await loadInventory(stack.db, hostId))!;
    const pf = before.devices.find((d) => d.sriov && d.sriov.numVfs > 0 && d.netInterfaces.length > 0)!;
    const mac = "02:00:00:00:5a:fe";
    await createSimulatedHostIO(root).runIp(["link", "set", "dev", pf.netInterfaces[0]!, "vf", "0", "mac", mac]);
    await waitFor(
      "the VF MAC stored",
      async () => {
        const inv = await loadInventory(stack.db, hostId);
        return inv?.devices.find((d) => d.address === pf.address)?.sriov?.vfConfigs.find((c) => c.index === 0)?.mac === mac
          ? true
          : undefined;
      },
      30_000,
    );
  });
});
