const toNumber = (mac: string): number => Number.parseInt(mac.replaceAll(":", ""), 16);
const toMac = (n: number): string =>
  n
    .toString(16)
    .padStart(12, "0")
    .replace(/(..)(?!$)/g, "$1:");

export type MacAllocation = { ok: true; macs: string[] } | { ok: false; reason: string };

/**
 * `count` MACs from a pool's inclusive range, lowest first, skipping every MAC the fleet uses
 * (VF settings, guest interfaces, vfleet's reservations and assignments) and multicast ones.
 * The database's unique index on assigned MACs is what makes two plans at once safe.
 */
export function allocateMacs(range: { from: string; to: string }, count: number, used: ReadonlySet<string>): MacAllocation {
  const from = toNumber(range.from);
  const to = toNumber(range.to);
  const macs: string[] = [];
  for (let n = from; n <= to && macs.length < count; n++) {
    const mac = toMac(n);
    if ((Math.floor(n / 2 ** 40) & 1) === 1 || used.has(mac)) continue;
    macs.push(mac);
  }
  if (macs.length < count)
    return { ok: false, reason: `the pool's MAC range ${range.from}-${range.to} has ${macs.length} free unicast MACs, ${count} needed` };
  return { ok: true, macs };
}

/** An explicit MAC list: one per VF, each unused in the fleet and given once. */
export function checkExplicitMacs(
  macs: readonly string[],
  count: number,
  used: ReadonlySet<string>,
): { ok: true } | { ok: false; field: string; reason: string } {
  if (macs.length !== count) return { ok: false, field: "macs", reason: `must list one MAC per VF: ${count} needed, ${macs.length} given` };
  const seen = new Map<string, number>();
  for (const [i, raw] of macs.entries()) {
    const mac = raw.toLowerCase();
    if (seen.has(mac)) return { ok: false, field: `macs.${i}`, reason: `${mac} is also macs.${seen.get(mac)}` };
    if (used.has(mac)) return { ok: false, field: `macs.${i}`, reason: `${mac} is already in use in the fleet` };
    seen.set(mac, i);
  }
  return { ok: true };
}
