/**
 * Deterministic, locally administered (bit 0x02 of the first octet set), unicast MACs.
 * `kind` keeps PF netdevs, VF netdevs and guest NICs in separate ranges so they never collide.
 */
export function localMac(kind: number, bus: number, devfn: number, index = 0): string {
  const bytes = [0x02, kind & 0xff, (index >> 8) & 0xff, bus & 0xff, devfn & 0xff, index & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

export const MAC_KIND = { pfNetdev: 0x00, vfNetdev: 0x01 } as const;
