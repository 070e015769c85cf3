import type { Inventory, Job } from "@vfleet/protocol";
import type { PlanJobSpec } from "./plan-job-spec.ts";
import { planVfBinds, type VfToBind } from "./plan-vf-binds.ts";
import { vfAddressOf } from "./vf-address.ts";

export type { PlanJobSpec } from "./plan-job-spec.ts";

/**
 * Seed 000 as one plan: `count` VFs on every SR-IOV PF of the host, the VFs bound to vfio-pci
 * (after their PF's count), then all of them attached to `guest` in one guest.attach (after every
 * bind). The guest must already be defined in libvirt: a plan changes hosts, it does not invent
 * guest sizing (16 vCPUs / 8 GiB for 160 VFs, DOMAIN.md) behind the operator's back.
 * VF addresses come from each PF's SR-IOV offset/stride, as the kernel will assign them.
 * `batchBinds` (default): one bind job per PF naming its VFs (protocol 1.6); false for older agents.
 */
export function planSeed000(
  inventory: Inventory,
  options: { guest: string; count?: number; pfLimit?: number; batchBinds?: boolean },
): PlanJobSpec[] {
  const count = options.count ?? 16;
  const pfs = inventory.devices
    .filter((d) => d.sriov && d.sriov.offset !== null && d.sriov.stride !== null)
    .slice(0, options.pfLimit ?? Infinity);
  const jobs: PlanJobSpec[] = [];
  const vfs: VfToBind[] = [];
  for (const pf of pfs) {
    const setRef = `set-count ${pf.address}`;
    jobs.push({ ref: setRef, job: { kind: "vf.set-count", params: { pf: pf.address, count } }, dependsOn: [] });
    for (let i = 0; i < count; i++)
      vfs.push({ address: vfAddressOf(pf.address, pf.sriov!.offset!, pf.sriov!.stride!, i), pf: pf.address, dependsOn: [setRef] });
  }
  const binds = planVfBinds(vfs, { batch: options.batchBinds ?? true });
  jobs.push(...binds);
  if (vfs.length > 0) {
    jobs.push({
      ref: `attach ${options.guest}`,
      job: {
        kind: "guest.attach",
        params: {
          guest: options.guest,
          devices: vfs.map(({ address }) => ({ address, kind: "hostdev" as const })),
          live: false,
          config: true,
        },
      },
      dependsOn: binds.map((b) => b.ref),
    });
  }
  return jobs;
}
