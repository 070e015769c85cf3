import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSimulatedHostIO } from "@vfleet/agent/host-io/simulated";
import { executeJob, SIMULATOR_POLICY } from "@vfleet/agent/jobs";
import { assertLibvirtReachable, createVirsh } from "@vfleet/agent/libvirt";
import { scanHost } from "@vfleet/agent/scan";
import { buildGuestDomainXml } from "@vfleet/core";
import { buildTree } from "@vfleet/simulator";

export interface PlanTimings { vfs: number; setCountMs: number; bindMs: number; attachMs: number; totalMs: number }

/**
 * Seed 000 as the agent runs it: on a simulated DGX-2 from an empty start, set 16 VFs on `pfCount`
 * ports, bind every VF to vfio-pci, attach them all to one q35 guest defined in the REAL libvirtd
 * (--config). One job at a time, as a plan runs them.
 */
export async function timeSeed000Plan(pfCount: number): Promise<PlanTimings> {
  const virsh = createVirsh();
  await assertLibvirtReachable(virsh);
  const root = await mkdtemp(join(tmpdir(), "vfleet-bench-seed000-"));
  const guest = `vfleet-bench-${process.pid}-${pfCount}`;
  try {
    await buildTree("dgx2", root, { vfs: 0 });
    const io = createSimulatedHostIO(root);
    const run = async (job: unknown) => {
      const r = await executeJob(job, { io, policy: SIMULATOR_POLICY });
      if (r.status !== "succeeded") throw new Error(`bench job failed: ${JSON.stringify(r.error)}`);
      return r;
    };
    await virsh.defineDomain(buildGuestDomainXml({ name: guest, vcpus: 16, memoryMiB: 8192, machine: "q35" }));
    const pfs = (await scanHost(root)).devices.filter((d) => d.sriov).map((d) => d.address).slice(0, pfCount);

    const t0 = performance.now();
    const vfs: string[] = [];
    for (const pf of pfs) vfs.push(...((await run({ kind: "vf.set-count", params: { pf, count: 16 } })).observed.vfs as string[]));
    const t1 = performance.now();
    for (const device of vfs) await run({ kind: "device.bind", params: { device, driver: "vfio-pci" } });
    const t2 = performance.now();
    await run({ kind: "guest.attach", params: { guest, devices: vfs.map((address) => ({ address })), config: true, live: false } });
    const t3 = performance.now();
    return { vfs: vfs.length, setCountMs: t1 - t0, bindMs: t2 - t1, attachMs: t3 - t2, totalMs: t3 - t0 };
  } finally {
    await virsh.undefineDomain(guest, { ifExists: true });
    await rm(root, { recursive: true, force: true });
  }
}
