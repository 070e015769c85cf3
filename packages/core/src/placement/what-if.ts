import { hostMatches, poolDevices, poolPfs } from "./match-pool.ts";
import { summarizePf, type PfSummary, type SummaryHost } from "./pf-summary.ts";
import type { PlacementHost, Pool } from "./placement-types.ts";
import { linkedPfs, type LinkPolicy, type NumaPolicy } from "./place-request.ts";
import { solveDeviceScope, vfScopeTotals } from "./solve-scope.ts";

export interface WhatIfRow {
  host: string;
  /** How many of the request the host could take without creating VFs (ready + bindable). */
  now: number;
  /** ... and after creating VFs up to the firmware limit where the count can change. */
  afterCreate: number;
  /** The NUMA node those counts are on (numa required/preferred), null for the whole host. */
  numaNode: number | null;
  fits: boolean;
  /** Why the request does not fit here, one line per constraint (link, count, spread, NUMA), in numbers; empty when it fits. */
  why: string[];
}

export type WhatIfRequest = {
  count: number;
  numa: NumaPolicy;
  link?: LinkPolicy;
  minPfs?: number;
  maxPerPf?: number;
  hostLabels?: Record<string, string>;
};
/** `maintenance`: hosts an operator took out of service, listed apart like offline ones, never as a place to go. */
export type WhatIfAnswer = { hosts: WhatIfRow[]; offline: string[]; maintenance: string[] };

/** What one scope (a NUMA node, or the whole host when node is null) could give, uncapped by the request. */
type ScopeCounts = { now: number; available: number; enough: boolean };

/**
 * Where a request could go, host by host, reserving nothing. With NUMA locality the best single
 * node of each host counts; without, the whole host.
 */
export function whatIf(hosts: readonly PlacementHost[], request: WhatIfRequest & { pool: Pool }): WhatIfAnswer {
  const selector = request.pool.selector;
  const matching = hosts.filter((h) => hostMatches({ hostLabels: request.hostLabels }, h));
  if (selector.kind !== "device") {
    return whatIfOfSummaries(
      matching.map((h) => ({
        id: h.id,
        name: h.name,
        online: h.online,
        maintenance: h.maintenance,
        pfs: poolPfs(selector, h).map(summarizePf),
      })),
      request,
    );
  }
  return rank(
    request,
    matching.map((host) => {
      const devices = poolDevices(selector, host);
      return {
        host,
        empty: devices.length === 0,
        nodes: devices.map((d) => d.numaNode),
        counts: (node: number | null) => {
          const s = solveDeviceScope(
            devices.filter((d) => node === null || d.numaNode === node),
            Number.MAX_SAFE_INTEGER,
          );
          const available = s.ok ? 0 : s.shortfall.available;
          return { now: available, available, enough: true };
        },
        hostWhy: () => {
          const s = solveDeviceScope(devices, Number.MAX_SAFE_INTEGER);
          const free = s.ok ? 0 : s.shortfall.available;
          return free < request.count ? [`count: ${free} of ${request.count} devices free (with their IOMMU groups)`] : [];
        },
      };
    }),
  );
}

/**
 * What-if of a VF pool from per-PF counts alone (the stored `PfSummary` rows of the pool's PFs,
 * host labels already applied): the same answer as `whatIf` on the full hosts, without their VFs.
 */
export function whatIfOfSummaries(hosts: readonly SummaryHost[], request: WhatIfRequest): WhatIfAnswer {
  const minPfs = request.minPfs ?? 1;
  const cap = request.maxPerPf ?? Number.POSITIVE_INFINITY;
  return rank(
    request,
    hosts.map((host) => {
      const pfs = linkedPfs(host.pfs, request.link);
      return {
        host,
        empty: host.pfs.length === 0,
        nodes: pfs.map((p) => p.numaNode),
        counts: (node: number | null) => {
          const t = vfScopeTotals(
            pfs.filter((p) => node === null || p.numaNode === node),
            cap,
          );
          return { now: Math.min(t.available, t.ready + t.bindable), available: t.available, enough: t.pfs >= minPfs };
        },
        hostWhy: () => vfHostWhy(host.pfs, pfs, request),
      };
    }),
  );
}

/** Why a host's VF PFs cannot take the request whatever the node: link, count, spread; in numbers. */
function vfHostWhy(all: readonly PfSummary[], linked: readonly PfSummary[], request: WhatIfRequest): string[] {
  const cap = request.maxPerPf ?? Number.POSITIVE_INFINITY;
  const minPfs = request.minPfs ?? 1;
  const why: string[] = [];
  const down = all.filter((p) => !linked.includes(p));
  if (down.length > 0) {
    const lost = vfScopeTotals(down, cap).available;
    why.push(`link: ${down.length} of ${all.length} PFs have no carrier; their ${lost} free VFs are not counted (link: "any" counts them)`);
  }
  const t = vfScopeTotals(linked, cap);
  if (t.available < request.count)
    why.push(
      `count: ${t.available} of ${request.count} VFs free (${t.ready} ready, ${t.bindable} bindable, ${t.creatable} creatable${request.maxPerPf ? `, at most ${request.maxPerPf} per PF` : ""})`,
    );
  if (t.pfs < minPfs) why.push(`spread: ${t.pfs} PFs with free VFs, ${minPfs} asked (minPfs)`);
  return why;
}

type Candidate = {
  host: { name: string; online: boolean; maintenance: boolean };
  empty: boolean;
  nodes: (number | null)[];
  counts: (node: number | null) => ScopeCounts;
  /** Constraints the whole host misses whatever the node (link, count, spread). */
  hostWhy?: () => string[];
};

function rank(request: WhatIfRequest, candidates: Candidate[]): WhatIfAnswer {
  const rows: WhatIfRow[] = [];
  const offline: string[] = [];
  const maintenance: string[] = [];
  for (const { host, empty, nodes, counts, hostWhy } of candidates) {
    if (empty) continue;
    if (!host.online) {
      offline.push(host.name);
      continue;
    }
    if (host.maintenance) {
      maintenance.push(host.name);
      continue;
    }
    let best: WhatIfRow | undefined;
    for (const node of request.numa === "none" ? [null] : [...new Set(nodes)]) {
      const c = counts(node);
      const capped = (n: number) => (c.enough ? Math.min(request.count, n) : 0);
      const row: WhatIfRow = {
        host: host.name,
        now: capped(c.now),
        afterCreate: capped(c.available),
        numaNode: node,
        fits: capped(c.available) >= request.count,
        why: [],
      };
      if (!best || row.afterCreate > best.afterCreate || (row.afterCreate === best.afterCreate && row.now > best.now)) best = row;
    }
    if (best && !best.fits) {
      best.why = hostWhy?.() ?? [];
      // The host as a whole would do: what stops it is keeping to one NUMA node.
      if (best.why.length === 0 && best.numaNode !== null)
        best.why.push(
          `numa: ${request.numa === "required" ? "one node is required" : "one node is preferred"}; node ${best.numaNode}, the best, has ${best.afterCreate} of ${request.count}${request.minPfs ? ` over ${request.minPfs}+ PFs` : ""}`,
        );
      if (best.why.length === 0) best.why.push(`count: ${best.afterCreate} of ${request.count}`);
    }
    if (best) rows.push(best);
  }
  rows.sort((a, b) => Number(b.fits) - Number(a.fits) || b.now - a.now || b.afterCreate - a.afterCreate || a.host.localeCompare(b.host));
  return { hosts: rows, offline, maintenance };
}
