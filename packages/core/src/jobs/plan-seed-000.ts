import type { Inventory, Job } from "@vfleet/protocol";
import { vfAddressOf } from "./vf-address.ts";

/** One job of a plan: `ref` names it inside the plan, `dependsOn` lists refs that must succeed first. */
export type PlanJobSpec = { ref: string; job: Job; dependsOn: string[] };

/**
 * Seed 000 as one plan: `count` VFs on every SR-IOV PF of the host, each VF bound to vfio-pci
 * (after its PF's count), then all of them attached to `guest` in one guest.attach (after every
 * bind). The guest must already be defined in libvirt: a plan changes hosts, it does not invent
 * guest sizing (16 vCPUs / 8 GiB for 160 VFs, DOMAIN.md) behind the operator's back.
 * VF addresses come from each PF's SR-IOV offset/stride, as the kernel will assign them.
 */
export function planSeed000(inventory: Inventory, options: { guest: string; count?: number; pfLimit?: number }): PlanJobSpec[] {
  const count = options.count ?? 16;
  const pfs = inventory.devices.filter((d) => d.sriov && d.sriov.offset !== null && d.sriov.stride !== null).slice(0, options.pfLimit ?? Infinity);
  const jobs: PlanJobSpec[] = [];
  const binds: string[] = [];
  const vfs: string[] = [];
  for (const pf of pfs) {
    const setRef = `set-count ${pf.address}`;
    jobs.push({ ref: setRef, job: { kind: "vf.set-count", params: { pf: pf.address, count } }, dependsOn: [] });
    for (let i = 0; i < count; i++) {
      const vf = vfAddressOf(pf.address, pf.sriov!.offset!, pf.sriov!.stride!, i);
      vfs.push(vf);
      const ref = `bind ${vf}`;
      binds.push(ref);
      jobs.push({ ref, job: { kind: "device.bind", params: { device: vf, driver: "vfio-pci" } }, dependsOn: [setRef] });
    }
  }
  if (vfs.length > 0) {
    jobs.push({
      ref: `attach ${options.guest}`,
      job: { kind: "guest.attach", params: { guest: options.guest, devices: vfs.map((address) => ({ address, kind: "hostdev" as const })), live: false, config: true } },
      dependsOn: binds,
    });
  }
  return jobs;
}
