import { planReleaseJobs } from "@vfleet/core";
import type { AssignmentView } from "@vfleet/db";
import { speaksAtLeast, type Inventory } from "@vfleet/protocol";
import { prepareJobs, type JobTarget, type PreparedJob, type Refusal } from "../jobs/prepare-jobs.ts";

/**
 * What a release gives back: the guest, which of its functions (all when left out), where VFs go,
 * whether freed PFs drop to 0 VFs, and whether vfleet's own guest.define created the guest.
 */
export type ReleaseAsk = { guest: string; addresses?: string[]; driver: "host" | "vfio-pci"; removeVfs: boolean; definedByVfleet: boolean };

/** What becomes of the guest's definition: undefined by this release, or left defined, and why, in one line. */
export type GuestAfterRelease = { definedByVfleet: boolean; undefines: boolean; line: string };

export type ReleasePlan =
  | {
      ok: true;
      guest: string;
      title: string;
      notes: string[];
      addresses: string[];
      jobs: PreparedJob[];
      refusal: Refusal | null;
      guestAfter: GuestAfterRelease;
    }
  | { ok: false; field: string; message: string };

/**
 * A guest vfleet defined is undefined by the release that takes its last passthrough device, when
 * it is shut off and its agent takes guest.undefine; a guest vfleet did not define never is.
 */
function guestAfterRelease(
  inventory: Inventory,
  protocol: string | null,
  name: string,
  freed: ReadonlySet<string>,
  definedByVfleet: boolean,
): GuestAfterRelease {
  const keep = (line: string) => ({ definedByVfleet, undefines: false, line });
  if (!definedByVfleet)
    return keep(`${name} was not defined by vfleet: it stays defined in libvirt (vfleet never undefines a guest it did not define).`);
  const guest = inventory.guests.find((g) => g.name === name);
  if (!guest) return keep(`${name} was defined by vfleet and is no longer in the host's inventory: nothing to undefine.`);
  const left = guest.hostdevs.filter((h) => !freed.has(h.address)).length + (guest.mdevs?.length ?? 0);
  if (left > 0)
    return keep(`${name} was defined by vfleet and keeps ${left} other passthrough device${left === 1 ? "" : "s"}: it stays defined.`);
  if (guest.state === "running")
    return keep(`${name} was defined by vfleet but is running: it stays defined (vfleet undefines only a shut-off guest).`);
  if (protocol !== null && !speaksAtLeast(protocol, "1.15"))
    return keep(
      `${name} was defined by vfleet, but the host's agent speaks protocol ${protocol} (undefining needs 1.15): it stays defined with no passthrough device (virsh undefine ${name}).`,
    );
  return {
    definedByVfleet,
    undefines: true,
    line: `${name} was defined by vfleet and this release takes its last passthrough device: it is undefined afterwards (virsh undefine ${name}).`,
  };
}

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
  const guestAfter = guestAfterRelease(inventory, host.summary.protocolVersion, ask.guest, freed, ask.definedByVfleet);
  const { jobs: specs, notes } = planReleaseJobs({ name: ask.guest, running: guest?.state === "running" }, items, ask.driver, {
    zeroPfs,
    batchBinds: speaksAtLeast(host.summary.protocolVersion, "1.6"),
    undefineGuest: guestAfter.undefines,
  });
  const prepared = prepareJobs(specs, host, (i) => `release (job ${i}: ${specs[i]!.ref})`);
  if (!prepared.ok) return { ok: false, field: prepared.field, message: prepared.message };
  const title = `release ${wanted.length} from ${ask.guest} on ${host.summary.name} (${ask.driver === "host" ? "back to the host driver" : "kept on vfio-pci"})`;
  return { ok: true, guest: ask.guest, title, notes, addresses: wanted, jobs: prepared.jobs, refusal: prepared.refusal, guestAfter };
}
