import type { DeviceFacts } from "./device-facts.ts";

/** Guests (libvirt definitions) holding each device, by address. */
export function guestsByDevice(inv: DeviceFacts): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const g of inv.guests) for (const h of g.hostdevs) out.set(h.address, [...(out.get(h.address) ?? []), g.name]);
  return out;
}

/** A PF's VFs that guests hold, and which guests. */
export function assignedVfs(inv: DeviceFacts, pf: string): { vfs: string[]; guests: string[] } {
  const d = inv.devices.find((x) => x.address === pf);
  const by = guestsByDevice(inv);
  const vfs = (d?.sriov?.vfs ?? []).filter((vf) => by.has(vf));
  return { vfs, guests: [...new Set(vfs.flatMap((vf) => by.get(vf)!))].sort() };
}
