import { bindDevices, type AgentAdoption, type Inventory, type Job } from "@vfleet/protocol";
import { groupEndpoints } from "../pci/iommu-group.ts";
import { notAdoptedReason } from "../pci/adopted-device.ts";

/** The devices a job asks the agent to change, each of which its policy must adopt (as the agent's own checks pick them). */
function adoptionSubjects(job: Job, inv: Inventory): string[] {
  const driverOf = (bdf: string) => inv.devices.find((d) => d.address === bdf)?.driver ?? null;
  switch (job.kind) {
    case "vf.set-count":
    case "vf.configure":
      return [job.params.pf];
    case "device.bind": {
      const named = bindDevices(job.params);
      if (job.params.driver === "vfio-pci")
        return (job.params.group ? groupEndpoints(inv, named[0]!) : named).filter((m) => driverOf(m) !== "vfio-pci");
      // Back to the host driver: only devices not already on one without an override are touched.
      return named.filter((bdf) => {
        const d = inv.devices.find((x) => x.address === bdf);
        return !(d?.driver && d.driver !== "vfio-pci" && !d.driverOverride);
      });
    }
    case "guest.attach":
      return job.params.devices.map((d) => d.address);
    case "host.persist":
      return job.params.vfCounts
        .map((c) => inv.devices.find((d) => d.sriov && d.netInterfaces.includes(c.pf))?.address)
        .filter((a): a is string => a !== undefined);
    default:
      return [];
  }
}

/**
 * The refusals the agent's adoption policy predicts for a job, for the preview's `refusals`.
 * `adoption` null (an agent before protocol 1.8 reported none): nothing is predicted, the
 * caller says it could not tell. `created`: VFs an earlier job of the same plan creates, not in
 * the inventory yet; their PF's adoption decides, and the job creating them is refused for it.
 */
export function adoptionRefusals(
  job: Job,
  inv: Inventory,
  adoption: AgentAdoption | null,
  created: ReadonlySet<string> = new Set(),
): string[] {
  if (!adoption) return [];
  return adoptionSubjects(job, inv).flatMap((bdf) => {
    if (created.has(bdf)) return [];
    const why = notAdoptedReason(inv, adoption, bdf);
    return why ? [`${bdf} is ${why}: the agent refuses.`] : [];
  });
}
