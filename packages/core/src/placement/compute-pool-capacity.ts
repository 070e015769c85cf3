import { classifyDevice, classifyPf } from "./classify-capacity.ts";
import { poolDevices, poolPfs } from "./match-pool.ts";
import type { PlacementHost, PoolSelector } from "./placement-types.ts";

export interface PoolCounts { ready: number; bindable: number; creatable: number; assigned: number; reserved: number; inUse: number }
export interface PoolCapacityRow extends PoolCounts { host: string; hostId: string; numaNode: number | null; pfs: number }
export interface PoolCapacity extends PoolCounts {
  /** Online hosts, one row per host and NUMA node. */
  byHost: PoolCapacityRow[];
  /** Offline hosts: what they had when last seen, never counted as free. */
  offline: PoolCapacityRow[];
}

const zero = (): PoolCounts => ({ ready: 0, bindable: 0, creatable: 0, assigned: 0, reserved: 0, inUse: 0 });

function add(into: PoolCounts, c: PoolCounts): void {
  into.ready += c.ready; into.bindable += c.bindable; into.creatable += c.creatable;
  into.assigned += c.assigned; into.reserved += c.reserved; into.inUse += c.inUse;
}

/** Per-NUMA-node counts of one host for a pool (VFs for a vf pool, devices for a device pool). */
export function hostPoolRows(selector: PoolSelector, host: PlacementHost): PoolCapacityRow[] {
  const rows = new Map<number | null, PoolCapacityRow>();
  const row = (node: number | null) => {
    let r = rows.get(node);
    if (!r) rows.set(node, (r = { host: host.name, hostId: host.id, numaNode: node, pfs: 0, ...zero() }));
    return r;
  };
  for (const pf of poolPfs(selector, host)) {
    const s = classifyPf(pf);
    const r = row(pf.numaNode);
    r.pfs++;
    add(r, { ready: s.ready.length, bindable: s.bindable.length, creatable: s.creatable, assigned: s.assigned, reserved: s.reserved, inUse: s.inUse });
  }
  for (const d of poolDevices(selector, host)) {
    const { state } = classifyDevice(d);
    const r = row(d.numaNode);
    if (state === "unavailable") r.inUse++;
    else r[state]++;
  }
  return [...rows.values()].sort((a, b) => (a.numaNode ?? -1) - (b.numaNode ?? -1));
}

/** A pool's capacity across the fleet; offline hosts are listed apart and not in the totals. */
export function computePoolCapacity(selector: PoolSelector, hosts: readonly PlacementHost[]): PoolCapacity {
  const totals = zero();
  const byHost: PoolCapacityRow[] = [];
  const offline: PoolCapacityRow[] = [];
  for (const host of [...hosts].sort((a, b) => a.name.localeCompare(b.name))) {
    const rows = hostPoolRows(selector, host);
    if (!host.online) { offline.push(...rows); continue; }
    for (const r of rows) add(totals, r);
    byHost.push(...rows);
  }
  return { ...totals, byHost, offline };
}
