import { hostMatches, poolDevices, poolPfs } from "./match-pool.ts";
import type { PlacementHost, Pool } from "./placement-types.ts";
import type { NumaPolicy } from "./place-request.ts";
import { solveDeviceScope, solveVfScope } from "./solve-scope.ts";

export interface WhatIfRow {
  host: string;
  /** How many of the request the host could take without creating VFs (ready + bindable). */
  now: number;
  /** ... and after creating VFs up to the firmware limit where the count can change. */
  afterCreate: number;
  /** The NUMA node those counts are on (numa required/preferred), null for the whole host. */
  numaNode: number | null;
  fits: boolean;
}

/**
 * Where a request could go, host by host, reserving nothing. With NUMA locality the best single
 * node of each host counts; without, the whole host.
 */
export function whatIf(hosts: readonly PlacementHost[], request: { pool: Pool; count: number; numa: NumaPolicy; minPfs?: number; maxPerPf?: number; hostLabels?: Record<string, string> }): { hosts: WhatIfRow[]; offline: string[] } {
  const rows: WhatIfRow[] = [];
  const offline: string[] = [];
  const minPfs = request.minPfs ?? 1;
  const cap = request.maxPerPf ?? Number.POSITIVE_INFINITY;
  for (const host of hosts) {
    if (!hostMatches({ hostLabels: request.hostLabels }, host)) continue;
    const pfs = poolPfs(request.pool.selector, host);
    const devices = poolDevices(request.pool.selector, host);
    if (pfs.length === 0 && devices.length === 0) continue;
    if (!host.online) { offline.push(host.name); continue; }
    const nodes: (number | null)[] = request.numa === "none" ? [null] : [...new Set([...pfs, ...devices].map((x) => x.numaNode))];
    let best: WhatIfRow | undefined;
    for (const node of nodes) {
      const inNode = <T extends { numaNode: number | null }>(x: T) => node === null || x.numaNode === node;
      const r = request.pool.selector.kind === "device"
        ? solveDeviceScope(devices.filter(inNode), Number.MAX_SAFE_INTEGER)
        : solveVfScope(pfs.filter(inNode), Number.MAX_SAFE_INTEGER, minPfs, cap);
      const s = r.ok ? { ready: 0, bindable: 0, available: 0 } : r.shortfall;
      const pfsOk = r.ok || request.pool.selector.kind === "device" || r.shortfall.pfs >= minPfs;
      const capped = (n: number) => (pfsOk ? Math.min(request.count, n) : 0);
      const nowAvail = request.pool.selector.kind === "device" ? s.available : Math.min(s.available, s.ready + s.bindable);
      const row = { host: host.name, now: capped(nowAvail), afterCreate: capped(s.available), numaNode: node, fits: capped(s.available) >= request.count };
      if (!best || row.afterCreate > best.afterCreate || (row.afterCreate === best.afterCreate && row.now > best.now)) best = row;
    }
    if (best) rows.push(best);
  }
  rows.sort((a, b) => Number(b.fits) - Number(a.fits) || b.now - a.now || b.afterCreate - a.afterCreate || a.host.localeCompare(b.host));
  return { hosts: rows, offline };
}
