import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanHost } from "@vfleet/agent/scan";
import { listHosts, loadInventory, normalizeInventory } from "@vfleet/db";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { startTestStack, type TestStack } from "./start-test-stack.ts";
import { waitFor } from "./jobs-helpers.ts";
import { asScanned } from "./as-scanned.ts";

/**
 * The foundation end to end: three simulated hosts, each with a real agent PROCESS that enrolls
 * with a one-time token and reports over the WebSocket; what PostgreSQL holds must equal what
 * each agent scanned, row for row.
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
const HOSTS = [
  { name: "dgx2-01", profile: "dgx2" },
  { name: "igb-01", profile: "intel-82576" },
  { name: "gpu-ws-01", profile: "gpu-workstation" },
];

let stack: TestStack;
let fleet: Fleet;
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "vfleet-fleet-"));
  stack = await startTestStack({ heartbeatIntervalMs: 500, offlineAfterMs: 3000 });
  fleet = await startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts: HOSTS,
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 500,
    log: () => {},
  });
});

afterAll(async () => {
  await fleet?.stop();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("a fleet of three real agent processes", () => {
  it("enrolls every host and stores exactly what each agent scanned", async () => {
    const hosts = await waitFor("three hosts with snapshots", async () => {
      const list = await listHosts(stack.db);
      return list.length === HOSTS.length && list.every((h) => h.online && h.snapshotAt) ? list : undefined;
    });
    expect(hosts.map((h) => h.name).sort()).toEqual(HOSTS.map((h) => h.name).sort());

    for (const host of fleet.hosts) {
      const summary = hosts.find((h) => h.name === host.name)!;
      const stored = await loadInventory(stack.db, summary.id);
      const scanned = await scanHost(host.root);
      expect(stored, host.name).not.toBeNull();
      // The daemon adds what the tree cannot hold: whether libvirtd answered (the suite runs a real one).
      expect(stored!.host.libvirt, host.name).toMatchObject({ reachable: true, uri: "qemu:///system" });
      // ...and which kernel answers its writes: these agents run --simulated.
      expect(stored!.host.simulated, host.name).toBe(true);
      expect(asScanned(stored!), host.name).toEqual(normalizeInventory(scanned));
    }

    const dgx = hosts.find((h) => h.name === "dgx2-01")!;
    expect(dgx.capacity).toMatchObject({ possible: 160, created: 160, bound: 80, assigned: 80, free: 80 });
  });

  it("sends a host's snapshot once while nothing changes (the agents skip equal content hashes)", async () => {
    const received = () => stack.logs.filter((l) => l.message === "snapshot received").length;
    const before = received();
    // Each agent rescans every 500 ms: eight rounds of scans with nothing new to say.
    await new Promise((r) => setTimeout(r, 4000));
    expect(received()).toBe(before);
    expect(before).toBe(HOSTS.length);
  });

  it("marks a host offline when its agent process goes away, and keeps the others online", async () => {
    await fleet.stopHost("igb-01");
    const hosts = await waitFor(
      "igb-01 offline",
      async () => {
        const list = await listHosts(stack.db);
        return list.find((h) => h.name === "igb-01")?.online === false ? list : undefined;
      },
      10_000,
    );
    expect(
      hosts
        .filter((h) => h.online)
        .map((h) => h.name)
        .sort(),
    ).toEqual(["dgx2-01", "gpu-ws-01"]);
  });
});
