import { planReleaseJobs } from "@vfleet/core";
import type { AssignmentView } from "@vfleet/db";
import { speaksAtLeast } from "@vfleet/protocol";
import { prepareJobs, type JobTarget, type PreparedJob, type Refusal } from "../jobs/prepare-jobs.ts";

/** What a release gives back: the guest, which of its functions (all when left out), where VFs go, and whether freed PFs drop to 0 VFs. */
export type ReleaseAsk = { guest: string; addresses?: string[]; driver: "host" | "vfio-pci"; removeVfs: boolean };

export type ReleasePlan =
  | { ok: true; guest: string; title: string; notes: string[]; addresses: string[]; jobs: PreparedJob[]; refusal: Refusal | null }
  | { ok: false; field: string; message: string };

/**
 * The one builder of a guest's release plan, for the release form, the release API and a
 * host's drain, in preview and in confirm alike: detach, driver back to the host (or kept on
 * vfio-pci), MAC/VLAN restored, each job checked against the host's stored inventory. `field`
 * names what is wrong in the ask (a function not assigned to the guest, one already being
 * released); `fieldPrefix` places it in the caller's request (`addresses` or `drain.guests.2`).
 */
export function buildReleasePlan(
  host: JobTarget & { summary: { name: string } },
  assignments: readonly AssignmentView[],
  ask: ReleaseAsk,
  fieldPrefix = "",
): ReleasePlan {
  const held = assignments.filter((a) => a.state === "assigned" && a.guest === ask.guest);
  if (held.length === 0)
    return { ok: false, field: `${fieldPrefix}guest`, message: `${ask.guest} holds nothing vfleet assigned on ${host.summary.name}` };
  const wanted = ask.addresses ?? held.map((a) => a.address);
  for (const [i, address] of wanted.entries()) {
    const a = held.find((x) => x.address === address);
    if (!a)
      return { ok: false, field: `${fieldPrefix}addresses.${i}`, message: `${address} is not assigned to ${ask.guest} through vfleet` };
    if (a.releasePlanId)
      return {
        ok: false,
        field: `${fieldPrefix}addresses.${i}`,
        message: `${address} is already being released by plan ${a.releasePlanId}`,
      };
  }
  const { inventory } = host;
  const items = wanted.map((address) => {
    const a = held.find((x) => x.address === address)!;
    const device = inventory.devices.find((d) => d.address === address);
    return { address, pf: a.pf, vfIndex: device?.vfIndex ?? null, mac: a.mac, vlan: a.vlan, previous: a.previous };
  });
  const guest = inventory.guests.find((g) => g.name === ask.guest);
  const freed = new Set(wanted);
  const zeroPfs = !ask.removeVfs
    ? []
    : [...new Set(items.map((i) => i.pf).filter((pf): pf is string => pf !== null))].filter((pf) =>
        inventory.devices.find((d) => d.address === pf)?.sriov?.vfs.every((vf) => freed.has(vf)),
      );
  const { jobs: specs, notes } = planReleaseJobs({ name: ask.guest, running: guest?.state === "running" }, items, ask.driver, {
    zeroPfs,
    batchBinds: speaksAtLeast(host.summary.protocolVersion, "1.6"),
  });
  const prepared = prepareJobs(specs, host, (i) => `release (job ${i}: ${specs[i]!.ref})`);
  if (!prepared.ok) return { ok: false, field: prepared.field, message: prepared.message };
  const title = `release ${wanted.length} from ${ask.guest} on ${host.summary.name} (${ask.driver === "host" ? "back to the host driver" : "kept on vfio-pci"})`;
  return { ok: true, guest: ask.guest, title, notes, addresses: wanted, jobs: prepared.jobs, refusal: prepared.refusal };
}
