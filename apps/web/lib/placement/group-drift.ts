import type { OutsideAssignment } from "@vfleet/db";

export type DriftGuest = { hostId: string; host: string; guest: string; addresses: string[] };

/** VFs attached outside vfleet, one entry per guest (host, then guest order, as listed). */
export function groupDrift(outside: readonly OutsideAssignment[]): DriftGuest[] {
  const groups = new Map<string, DriftGuest>();
  for (const o of outside) {
    const key = `${o.hostId}\u0000${o.guest}`;
    const g = groups.get(key) ?? { hostId: o.hostId, host: o.host, guest: o.guest, addresses: [] };
    g.addresses.push(o.address);
    groups.set(key, g);
  }
  return [...groups.values()];
}
