import { classifyDevice } from "./classify-capacity.ts";
import { poolDevices, poolPfs } from "./match-pool.ts";
import { summarizePf, type PfSummary, type SummaryHost } from "./pf-summary.ts";
import type { PlacementDevice, PlacementHost, PoolSelector } from "./placement-types.ts";

export interface PoolCounts {
  ready: number;
  bindable: number;
  creatable: number;
  assigned: number;
  reserved: number;
  inUse: number;
}
export interface PoolCapacityRow extends PoolCounts {
  host: string;
  hostId: string;
  numaNode: number | null;
  pfs: number;
}
export interface PoolCapacity extends PoolCounts {
  /** Online hosts, one row per host and NUMA node. */
  byHost: PoolCapacityRow[];
  /** Offline hosts: what they had when last seen, never counted as free. */
  offline: PoolCapacityRow[];
  /** Hosts in maintenance: what they have, never counted as free while an operator keeps them out. */
  maintenance: PoolCapacityRow[];
}

const zero = (): PoolCounts => ({ ready: 0, bindable: 0, creatable: 0, assigned: 0, reserved: 0, inUse: 0 });

function add(into: PoolCounts, c: PoolCounts): void {
  into.ready += c.ready;
  into.bindable += c.bindable;
  into.creatable += c.creatable;
  into.assigned += c.assigned;
  into.reserved += c.reserved;
  into.inUse += c.inUse;
}

/** Per-NUMA-node counts of one host for a pool (VFs for a vf pool, devices for a device pool). */
export function hostPoolRows(selector: PoolSelector, host: PlacementHost): PoolCapacityRow[] {
  return rowsOf(host, poolPfs(selector, host).map(summarizePf), poolDevices(selector, host));
}

function rowsOf(host: { id: string; name: string }, pfs: readonly PfSummary[], devices: readonly PlacementDevice[]): PoolCapacityRow[] {
  const rows = new Map<number | null, PoolCapacityRow>();
  const row = (node: number | null) => {
    let r = rows.get(node);
    if (!r) rows.set(node, (r = { host: host.name, hostId: host.id, numaNode: node, pfs: 0, ...zero() }));
    return r;
  };
  for (const pf of pfs) {
    const r = row(pf.numaNode);
    r.pfs++;
    add(r, pf);
  }
  for (const d of devices) {
    const { state } = classifyDevice(d);
    const r = row(d.numaNode);
    if (state === "unavailable") r.inUse++;
    else r[state]++;
  }
  return [...rows.values()].sort((a, b) => (a.numaNode ?? -1) - (b.numaNode ?? -1));
}

/** A pool's capacity across the fleet; offline hosts and hosts in maintenance are listed apart and not in the totals. */
export function computePoolCapacity(selector: PoolSelector, hosts: readonly PlacementHost[]): PoolCapacity {
  return sumHosts(hosts.map((host) => ({ host, rows: hostPoolRows(selector, host) })));
}

/** The same from the stored per-PF summaries of a VF pool's PFs (no VF rows read). */
export function poolCapacityOfSummaries(hosts: readonly SummaryHost[]): PoolCapacity {
  return sumHosts(hosts.map((host) => ({ host, rows: rowsOf(host, host.pfs, []) })));
}

function sumHosts(hosts: { host: { name: string; online: boolean; maintenance: boolean }; rows: PoolCapacityRow[] }[]): PoolCapacity {
  const totals = zero();
  const byHost: PoolCapacityRow[] = [];
  const offline: PoolCapacityRow[] = [];
  const maintenance: PoolCapacityRow[] = [];
  for (const { host, rows } of hosts.sort((a, b) => a.host.name.localeCompare(b.host.name))) {
    if (!host.online) {
      offline.push(...rows);
      continue;
    }
    if (host.maintenance) {
      maintenance.push(...rows);
      continue;
    }
    for (const r of rows) add(totals, r);
    byHost.push(...rows);
  }
  return { ...totals, byHost, offline, maintenance };
}
