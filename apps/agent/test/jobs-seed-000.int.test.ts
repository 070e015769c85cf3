import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { buildGuestDomainXml, parseDomainXml } from "@vfleet/core";
import type { JobResult } from "@vfleet/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimulatedHostIO } from "../src/host-io/create-simulated-host-io.ts";
import { SIMULATOR_POLICY, executeJob } from "../src/jobs/index.ts";
import { assertLibvirtReachable, createVirsh } from "../src/libvirt/index.ts";
import { scanHost } from "../src/scan/index.ts";
import { removeTrees, simTree } from "./jobs-sim-tree.ts";

/**
 * Seed 000 from an empty start on the simulated DGX-2 (--vfs 0): 16 VFs on each of the 10
 * ConnectX-5 ports, all 160 bound to vfio-pci, all attached to one q35 guest on the real
 * libvirtd (--config), as one plan of jobs run in order; then the host is read back the way
 * an operator would (agent scan, lspci, virsh dumpxml). Timings per phase for 1 PF (16 VFs)
 * against 10 PFs (160 VFs).
 */
const execFileAsync = promisify(execFile);
const virsh = createVirsh();
const guests: string[] = [];
const runId = `${process.pid}-${Date.now().toString(36)}`;

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
});
afterAll(async () => {
  for (const g of guests) await virsh.undefineDomain(g, { ifExists: true });
  await removeTrees();
});

async function timed(jobs: unknown[], run: (job: unknown) => Promise<JobResult>): Promise<{ ms: number; results: JobResult[] }> {
  const start = performance.now();
  const results: JobResult[] = [];
  for (const job of jobs) {
    const r = await run(job);
    results.push(r);
    // A plan stops on the first failure (and this test with it, saying why).
    if (r.status !== "succeeded") throw new Error(`job ${JSON.stringify(job).slice(0, 200)} failed: ${JSON.stringify(r.error)}`);
  }
  return { ms: Math.round(performance.now() - start), results };
}

async function seedPlan(pfCount: number) {
  const root = await simTree("dgx2", 0);
  const io = createSimulatedHostIO(root);
  const run = (job: unknown) => executeJob(job, { io, policy: SIMULATOR_POLICY });
  const pfs = (await scanHost(root)).devices
    .filter((d) => d.sriov)
    .map((d) => d.address)
    .slice(0, pfCount);
  const guest = `vfleet-seed000-${runId}-${pfCount}`;
  guests.push(guest);
  await virsh.defineDomain(buildGuestDomainXml({ name: guest, vcpus: 16, memoryMiB: 8192, machine: "q35" }));

  const setCount = await timed(
    pfs.map((pf) => ({ kind: "vf.set-count", params: { pf, count: 16 } })),
    run,
  );
  const vfs = setCount.results.flatMap((r) => r.observed.vfs as string[]);
  const bind = await timed(
    vfs.map((device) => ({ kind: "device.bind", params: { device, driver: "vfio-pci" } })),
    run,
  );
  const attach = await timed(
    [{ kind: "guest.attach", params: { guest, devices: vfs.map((address) => ({ address })), config: true, live: false } }],
    run,
  );
  return { root, guest, pfs, vfs, run, timings: { setCount: setCount.ms, bind: bind.ms, attach: attach.ms } };
}

describe("seed 000 on the simulated DGX-2 with the real libvirtd", () => {
  it("16 VFs x 10 PFs -> vfio-pci -> one q35 guest; scan, lspci and dumpxml agree; re-running changes nothing", async () => {
    const small = await seedPlan(1);
    const big = await seedPlan(10);
    expect(big.pfs).toHaveLength(10);
    expect(big.vfs).toHaveLength(160);

    const inv = await scanHost(big.root);
    const vfs = inv.devices.filter((d) => d.physfn);
    expect(vfs).toHaveLength(160);
    expect(vfs.every((d) => d.driver === "vfio-pci" && d.driverOverride === "vfio-pci")).toBe(true);
    expect(inv.devices.filter((d) => d.sriov).every((d) => d.sriov!.numVfs === 16)).toBe(true);
    const g = inv.guests.find((x) => x.name === big.guest)!;
    expect(g.hostdevs.map((h) => h.address).sort()).toEqual([...big.vfs].sort());

    const xml = parseDomainXml(await virsh.dumpXml(big.guest, { inactive: true }));
    expect(xml.hostdevs).toHaveLength(160);
    expect(xml.pcieRootPorts).toBeGreaterThanOrEqual(160);

    for (const pf of big.pfs) {
      const { stdout } = await execFileAsync("lspci", ["-A", "linux-sysfs", "-O", `sysfs.path=${big.root}/sys/bus/pci`, "-s", pf, "-vvv"], {
        maxBuffer: 16 << 20,
      });
      expect(stdout).toContain("Total VFs: 16, Number of VFs: 16");
    }
    const vfioCount = (
      await execFileAsync("lspci", ["-A", "linux-sysfs", "-O", `sysfs.path=${big.root}/sys/bus/pci`, "-D", "-k", "-d", "15b3:1018"], {
        maxBuffer: 16 << 20,
      })
    ).stdout.match(/Kernel driver in use: vfio-pci/g);
    expect(vfioCount).toHaveLength(160);

    // Redelivery of the whole plan: every job succeeds with changed=false.
    const again = await big.run({ kind: "guest.attach", params: { guest: big.guest, devices: big.vfs.map((address) => ({ address })) } });
    expect([again.status, again.changed]).toEqual(["succeeded", false]);
    expect((await big.run({ kind: "vf.set-count", params: { pf: big.pfs[3], count: 16 } })).changed).toBe(false);
    expect((await big.run({ kind: "device.bind", params: { device: big.vfs[77], driver: "vfio-pci" } })).changed).toBe(false);
    // And the safety rule holds on the result: these VFs are in a guest now.
    const refused = await big.run({ kind: "vf.set-count", params: { pf: big.pfs[0], count: 8 } });
    expect(refused.error!.explanation).toContain(
      `The PF already has 16 VFs: the kernel refuses a new count until it is set to 0, and setting it to 0 destroys every VF, but 16 of them are attached to guests (${big.guest})`,
    );

    const row = (label: string, t: typeof small.timings) =>
      `${label}: set-count ${t.setCount} ms, bind ${t.bind} ms, attach ${t.attach} ms, total ${t.setCount + t.bind + t.attach} ms`;
    console.log(
      `seed 000 plan on the simulated DGX-2 (real libvirtd for attach)\n  ${row(" 16 VFs (1 PF) ", small.timings)}\n  ${row("160 VFs (10 PFs)", big.timings)}`,
    );
  }, 600_000);
});
