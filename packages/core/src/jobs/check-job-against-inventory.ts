import type { Inventory, Job } from "@vfleet/protocol";

export type JobInputProblem = { field: string; message: string };

/**
 * Limits only the host's inventory knows (the schema already checked shapes): a VF count above
 * the PF's sriov_totalvfs, a device that is not on the host. The agent checks again on the host
 * itself; this gives the operator the answer before anything is queued. `pending` are VFs that
 * earlier jobs of the same plan will create, and `guest:<name>` for guests an earlier guest.define creates.
 */
export function checkJobAgainstInventory(job: Job, inventory: Inventory, pending: ReadonlySet<string> = new Set()): JobInputProblem | null {
  const device = (bdf: string) => inventory.devices.find((d) => d.address === bdf);
  const known = (bdf: string) => device(bdf) !== undefined || pending.has(bdf);
  switch (job.kind) {
    case "vf.set-count": {
      const pf = device(job.params.pf);
      if (!pf) return { field: "params.pf", message: `no PCI device ${job.params.pf} on this host` };
      if (!pf.sriov) return { field: "params.pf", message: `${job.params.pf} is not an SR-IOV physical function` };
      if (job.params.count > pf.sriov.totalVfs) return { field: "params.count", message: `must be at most ${pf.sriov.totalVfs} (sriov_totalvfs of ${job.params.pf}), got ${job.params.count}` };
      return null;
    }
    case "device.bind":
      return known(job.params.device) ? null : { field: "params.device", message: `no PCI device ${job.params.device} on this host` };
    case "vf.configure": {
      const pf = device(job.params.pf);
      if (!pf?.sriov) return { field: "params.pf", message: pf ? `${job.params.pf} is not an SR-IOV physical function` : `no PCI device ${job.params.pf} on this host` };
      if (job.params.vf >= pf.sriov.totalVfs) return { field: "params.vf", message: `must be below ${pf.sriov.totalVfs} (sriov_totalvfs of ${job.params.pf}), got ${job.params.vf}` };
      if ((job.params.qos ?? 0) > 0 && job.params.vlan === undefined) return { field: "params.qos", message: "needs params.vlan (qos is the 802.1p priority of the VLAN tag)" };
      return null;
    }
    case "guest.attach":
    case "guest.detach": {
      const libvirt = inventory.host.libvirt;
      if (libvirt && !libvirt.reachable) {
        return { field: "kind", message: `guest changes need libvirtd, and the agent cannot reach it at ${libvirt.uri}: ${libvirt.detail}` };
      }
      const seen = new Map<string, number>();
      for (const [i, d] of job.params.devices.entries()) {
        if (!known(d.address)) return { field: `params.devices.${i}.address`, message: `no PCI device ${d.address} on this host` };
        const first = seen.get(d.address);
        if (first !== undefined) return { field: `params.devices.${i}.address`, message: `repeats params.devices.${first}.address (${d.address})` };
        seen.set(d.address, i);
      }
      if (!inventory.guests.some((g) => g.name === job.params.guest) && !pending.has(`guest:${job.params.guest}`)) {
        return { field: "params.guest", message: `no libvirt guest named ${job.params.guest} on this host (define it first: virsh define)` };
      }
      return null;
    }
    case "guest.define": {
      const cpus = inventory.host.cpuCount;
      if (inventory.guests.some((g) => g.name === job.params.name)) return { field: "params.name", message: `a libvirt guest named ${job.params.name} already exists on this host` };
      if (cpus !== null && job.params.vcpus > cpus) return { field: "params.vcpus", message: `must be at most ${cpus} (the host's CPUs): passthrough guests pin their memory and should not overcommit CPUs either` };
      return null;
    }
    case "host.persist":
      for (const [i, c] of job.params.vfCounts.entries()) {
        const pf = inventory.devices.find((d) => d.sriov && d.netInterfaces.includes(c.pf));
        if (!pf?.sriov) return { field: `params.vfCounts.${i}.pf`, message: `${c.pf} is not the interface of an SR-IOV PF on this host` };
        if (c.count > pf.sriov.totalVfs) return { field: `params.vfCounts.${i}.count`, message: `must be at most ${pf.sriov.totalVfs} (sriov_totalvfs of ${c.pf}), got ${c.count}` };
      }
      return null;
  }
}
