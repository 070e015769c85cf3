import { classifyDevice, classifyPf } from "./classify-capacity.ts";
import type { Placement } from "./place-request.ts";
import type { PlacementHost, PlacementPf } from "./placement-types.ts";

/** What a VF is now, in the words a preview uses (`ready`, `bindable`) or what took it. */
function vfStateNow(pf: PlacementPf, address: string): string {
  const vf = pf.vfs.find((v) => v.address === address);
  if (!vf) return "gone";
  if (vf.claim) return `${vf.claim.state}${vf.claim.guest ? ` to ${vf.claim.guest}` : ""}`;
  if (vf.quarantined) return "quarantined";
  const split = classifyPf(pf);
  if (split.ready.some((v) => v.address === address)) return "ready";
  if (split.bindable.some((v) => v.address === address)) return "bindable";
  return "used by the host";
}

/**
 * Why a previewed placement can no longer run exactly as shown, one line per difference (empty:
 * it still holds): the host is gone, offline or in maintenance; a VF it listed is taken, gone, or in another
 * state (so its jobs would differ); a PF's VF count moved or can no longer change; a port it
 * used lost its link; a device's group is held; a MAC it allocated is taken; the guest it
 * would define now exists (or the one it would use is gone). Confirming a preview runs this on
 * the host's current rows: the same VFs, devices and MACs, or a new preview and these lines.
 */
export function previewChanges(host: PlacementHost | undefined, placement: Placement, usedMacs: ReadonlySet<string>): string[] {
  if (!host) return [`host ${placement.host} is no longer in the fleet`];
  if (!host.online) return [`host ${placement.host} went offline`];
  if (host.maintenance) return [`host ${placement.host} went into maintenance`];
  const changes: string[] = [];
  const pfs = new Map(host.pfs.map((p) => [p.address, p] as const));
  const recounted = new Set(placement.setCounts.map((s) => s.pf));
  for (const sc of placement.setCounts) {
    const pf = pfs.get(sc.pf);
    if (!pf) changes.push(`PF ${sc.pf} is gone`);
    else if (pf.numVfs !== sc.from) changes.push(`PF ${sc.pf} has ${pf.numVfs} VFs now (the preview changed ${sc.from} to ${sc.to})`);
    else {
      const split = classifyPf(pf);
      if (split.creatable < sc.to - sc.from)
        changes.push(
          `PF ${sc.pf} can no longer get ${sc.to - sc.from} more VFs: ${split.creatableBlocked ?? `${split.creatable} creatable`}`,
        );
    }
  }
  const ports = new Set<string>();
  for (const vf of placement.vfs) {
    const pf = pfs.get(vf.pf);
    if (!pf) {
      if (!recounted.has(vf.pf)) changes.push(`VF ${vf.address}: its PF ${vf.pf} is gone`);
      continue;
    }
    if (vf.port?.link === "up" && pf.port?.link !== "up" && !ports.has(vf.pf)) {
      ports.add(vf.pf);
      changes.push(`PF ${vf.pf} (${vf.port.netdev}) lost its link`);
    }
    if (!vf.exists) continue;
    const now = vfStateNow(pf, vf.address);
    if (now !== vf.source) changes.push(`VF ${vf.address} is ${now} now (${vf.source} in the preview)`);
  }
  for (const d of placement.devices) {
    const device = host.devices.find((x) => x.address === d.address);
    const now = device ? classifyDevice(device) : { state: "gone", why: null };
    if (now.state !== d.state) changes.push(`device ${d.address} is ${now.why ?? now.state} now (${d.state} in the preview)`);
  }
  for (const vf of placement.vfs)
    if (vf.assignMac && usedMacs.has(vf.assignMac)) changes.push(`MAC ${vf.assignMac} for ${vf.address} is in use now`);
  const guestNow = host.guests.some((g) => g.name === placement.guest.name);
  if (guestNow !== placement.guest.exists)
    changes.push(
      guestNow ? `guest ${placement.guest.name} exists now (the preview would define it)` : `guest ${placement.guest.name} is gone`,
    );
  return changes;
}
