import { bindDevices, type Inventory, type Job } from "@vfleet/protocol";
import { groupEndpoints } from "../pci/iommu-group.ts";

/**
 * What a job changes, as keys two jobs must not hold at once on one host: `dev:<bdf>` for a
 * device (a PF's VF count also covers every VF it has now), `guest:<name>` for a guest's
 * definition, `persist` for the boot config files. The control plane stores them under a
 * primary key, so "two operators change the same PF at once" is decided by the database.
 */
export function jobResourceKeys(job: Job, inventory: Inventory | null): string[] {
  const keys = new Set<string>();
  const dev = (bdf: string) => keys.add(`dev:${bdf}`);
  switch (job.kind) {
    case "vf.set-count": {
      dev(job.params.pf);
      const pf = inventory?.devices.find((d) => d.address === job.params.pf);
      for (const vf of pf?.sriov?.vfs ?? []) dev(vf);
      break;
    }
    case "device.bind":
      for (const d of bindDevices(job.params)) {
        dev(d);
        if (job.params.group && inventory) for (const m of groupEndpoints(inventory, d)) dev(m);
      }
      break;
    case "vf.configure": {
      const pf = inventory?.devices.find((d) => d.address === job.params.pf);
      const vf = pf?.sriov?.vfs[job.params.vf];
      // A VF not created yet has no address: key it by PF and index.
      keys.add(vf ? `dev:${vf}` : `vf:${job.params.pf}/${job.params.vf}`);
      break;
    }
    case "guest.attach":
    case "guest.detach":
      keys.add(`guest:${job.params.guest}`);
      for (const d of job.params.devices) dev(d.address);
      break;
    case "host.persist":
      keys.add("persist");
      break;
    case "guest.define":
    case "guest.undefine":
      keys.add(`guest:${job.params.name}`);
      break;
  }
  return [...keys];
}
