import { bindDevices, type Inventory, type Job } from "@vfleet/protocol";
import { assignedVfs } from "../pci/assigned-vfs.ts";
import { whyNotAssignableIn } from "../pci/assignable-endpoint.ts";
import { hostCriticalByIds, hostCriticalReason, NO_PROTECTION, vfOf } from "../pci/host-critical.ts";
import { groupEndpoints, nonViableGroupMembers } from "../pci/iommu-group.ts";

/** `status` 409: the request is well formed but the host's state forbids it now (guests hold the VFs). */
export type JobInputProblem = { field: string; message: string; status?: 409 };

/**
 * Limits only the host's inventory knows (the schema already checked shapes): a VF count above
 * the PF's sriov_totalvfs, a device that is not on the host, and the agent's safety refusals the
 * inventory shows (a bridge or a PF with VFs to assign, a device carrying the host's traffic, an
 * IOMMU group left not viable). The agent checks again on the host itself, with its own policy;
 * this gives the operator the answer before anything is queued. `pending` are VFs that earlier
 * jobs of the same plan will create, `guest:<name>` for guests an earlier guest.define creates, and
 * `detached:<bdf>` for devices an earlier guest.detach takes out of a guest's definition.
 */
export function checkJobAgainstInventory(job: Job, inventory: Inventory, pending: ReadonlySet<string> = new Set()): JobInputProblem | null {
  const device = (bdf: string) => inventory.devices.find((d) => d.address === bdf);
  const known = (bdf: string) => device(bdf) !== undefined || pending.has(bdf);
  const critical = (bdf: string, action: string) => {
    const reason = hostCriticalReason(inventory, NO_PROTECTION, bdf);
    return reason ? `refused to ${action} ${bdf}: ${reason} (the agent would refuse it)` : null;
  };
  const partialGroup = (bdf: string, taking: readonly string[]) => {
    const others = nonViableGroupMembers(inventory, bdf, taking);
    return others.length === 0
      ? null
      : `${bdf} is in IOMMU group ${device(bdf)!.iommuGroup} with ${others.map((m) => `${m.address} (${m.driver})`).join(", ")}: bind the whole group first (device.bind with group: true)`;
  };
  switch (job.kind) {
    case "vf.set-count": {
      const pf = device(job.params.pf);
      if (!pf) return { field: "params.pf", message: `no PCI device ${job.params.pf} on this host` };
      if (!pf.sriov) return { field: "params.pf", message: `${job.params.pf} is not an SR-IOV physical function` };
      if (job.params.count > pf.sriov.totalVfs)
        return {
          field: "params.count",
          message: `must be at most ${pf.sriov.totalVfs} (sriov_totalvfs of ${job.params.pf}), got ${job.params.count}`,
        };
      if (job.params.count === pf.sriov.numVfs) return null;
      // Any change goes through 0 (the kernel's rule), destroying every VF: the agent refuses while guests hold one.
      // VFs an earlier job of the same plan detaches (`detached:<bdf>` in pending) are free by then.
      const assigned = assignedVfs(inventory, job.params.pf);
      const held = { ...assigned, vfs: assigned.vfs.filter((vf) => !pending.has(`detached:${vf}`)) };
      if (held.vfs.length > 0) {
        return {
          status: 409,
          field: "params.count",
          message: `${job.params.pf} has ${pf.sriov.numVfs} VFs and ${held.vfs.length} of them are assigned to guests (${held.guests.join(", ")}): changing the count destroys every VF first. Detach them from ${held.guests.join(", ")} (guest.detach), then set the count`,
        };
      }
      for (const bdf of [job.params.pf, ...pf.sriov.vfs]) {
        const why = critical(bdf, bdf === job.params.pf ? "change the VF count of" : `destroy (via ${job.params.pf}'s VF count)`);
        if (why) return { field: "params.pf", message: why };
      }
      return null;
    }
    case "device.bind": {
      // A list binds its devices together: a group they fill between them is viable.
      const all = bindDevices(job.params);
      for (const [i, bdf] of all.entries()) {
        const field = job.params.devices ? `params.devices.${i}` : "params.device";
        if (!known(bdf)) return { field, message: `no PCI device ${bdf} on this host` };
        if (job.params.driver !== "vfio-pci" || !device(bdf)) continue;
        // With its group, every endpoint of the group leaves the host too: each must be assignable and not carry host traffic.
        const taken = job.params.group ? groupEndpoints(inventory, bdf) : [bdf];
        const why =
          taken.map((m) => whyNotAssignableIn(inventory, m) ?? critical(m, "unbind")).find(Boolean) ??
          (job.params.group ? null : partialGroup(bdf, all));
        if (why) return { field, message: why };
      }
      return null;
    }
    case "vf.configure": {
      const pf = device(job.params.pf);
      if (!pf?.sriov)
        return {
          field: "params.pf",
          message: pf ? `${job.params.pf} is not an SR-IOV physical function` : `no PCI device ${job.params.pf} on this host`,
        };
      if (job.params.vf >= pf.sriov.totalVfs)
        return {
          field: "params.vf",
          message: `must be below ${pf.sriov.totalVfs} (sriov_totalvfs of ${job.params.pf}), got ${job.params.vf}`,
        };
      if ((job.params.qos ?? 0) > 0 && job.params.vlan === undefined)
        return { field: "params.qos", message: "needs params.vlan (qos is the 802.1p priority of the VLAN tag)" };
      const vf = vfOf(inventory, job.params.pf, job.params.vf);
      const why = vf ? critical(vf, "reconfigure") : null;
      return why ? { field: "params.vf", message: why } : null;
    }
    case "guest.attach":
    case "guest.detach": {
      const libvirt = inventory.host.libvirt;
      if (libvirt && !libvirt.reachable) {
        return {
          field: "kind",
          message: `guest changes need libvirtd, and the agent cannot reach it at ${libvirt.uri}: ${libvirt.detail}`,
        };
      }
      const seen = new Map<string, number>();
      for (const [i, d] of job.params.devices.entries()) {
        if (!known(d.address)) return { field: `params.devices.${i}.address`, message: `no PCI device ${d.address} on this host` };
        const first = seen.get(d.address);
        if (first !== undefined)
          return { field: `params.devices.${i}.address`, message: `repeats params.devices.${first}.address (${d.address})` };
        seen.set(d.address, i);
        if (job.kind === "guest.attach" && device(d.address)) {
          const why =
            whyNotAssignableIn(inventory, d.address) ??
            critical(d.address, "give a guest") ??
            partialGroup(
              d.address,
              job.params.devices.map((x) => x.address),
            );
          if (why) return { field: `params.devices.${i}.address`, message: why };
        }
      }
      if (!inventory.guests.some((g) => g.name === job.params.guest) && !pending.has(`guest:${job.params.guest}`)) {
        return {
          field: "params.guest",
          message: `no libvirt guest named ${job.params.guest} on this host (define it first: virsh define)`,
        };
      }
      return null;
    }
    case "guest.define": {
      const cpus = inventory.host.cpuCount;
      if (inventory.guests.some((g) => g.name === job.params.name))
        return { field: "params.name", message: `a libvirt guest named ${job.params.name} already exists on this host` };
      if (cpus !== null && job.params.vcpus > cpus)
        return {
          field: "params.vcpus",
          message: `must be at most ${cpus} (the host's CPUs): passthrough guests pin their memory and should not overcommit CPUs either`,
        };
      return null;
    }
    case "guest.undefine": {
      const libvirt = inventory.host.libvirt;
      if (libvirt && !libvirt.reachable)
        return {
          field: "kind",
          message: `guest changes need libvirtd, and the agent cannot reach it at ${libvirt.uri}: ${libvirt.detail}`,
        };
      return null;
    }
    case "host.persist": {
      const hit = hostCriticalByIds(inventory, NO_PROTECTION, job.params.vfioIds)[0];
      if (hit)
        return {
          field: `params.vfioIds.${job.params.vfioIds.indexOf(hit.id)}`,
          message: `vfio-pci ids=${hit.id} would take ${hit.device} at boot, and ${hit.reason} (the agent would refuse it)`,
        };
      for (const [i, c] of job.params.vfCounts.entries()) {
        const pf = inventory.devices.find((d) => d.sriov && d.netInterfaces.includes(c.pf));
        if (!pf?.sriov) return { field: `params.vfCounts.${i}.pf`, message: `${c.pf} is not the interface of an SR-IOV PF on this host` };
        if (c.count > pf.sriov.totalVfs)
          return {
            field: `params.vfCounts.${i}.count`,
            message: `must be at most ${pf.sriov.totalVfs} (sriov_totalvfs of ${c.pf}), got ${c.count}`,
          };
      }
      return null;
    }
  }
}
