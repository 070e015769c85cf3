import { hostMatches, poolDevices, poolPfs } from "./match-pool.ts";
import { summarizePf, type SummaryHost } from "./pf-summary.ts";
import type { PlacementHost, Pool } from "./placement-types.ts";
import type { NumaPolicy } from "./place-request.ts";
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
}

export type WhatIfRequest = { count: number; numa: NumaPolicy; minPfs?: number; maxPerPf?: number; hostLabels?: Record<string, string> };
export type WhatIfAnswer = { hosts: WhatIfRow[]; offline: string[] };

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
      matching.map((h) => ({ id: h.id, name: h.name, online: h.online, pfs: poolPfs(selector, h).map(summarizePf) })),
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
    hosts.map((host) => ({
      host,
      empty: host.pfs.length === 0,
      nodes: host.pfs.map((p) => p.numaNode),
      counts: (node: number | null) => {
        const t = vfScopeTotals(
          host.pfs.filter((p) => node === null || p.numaNode === node),
          cap,
        );
        return { now: Math.min(t.available, t.ready + t.bindable), available: t.available, enough: t.pfs >= minPfs };
      },
    })),
  );
}

type Candidate = {
  host: { name: string; online: boolean };
  empty: boolean;
  nodes: (number | null)[];
  counts: (node: number | null) => ScopeCounts;
};

function rank(request: WhatIfRequest, candidates: Candidate[]): WhatIfAnswer {
  const rows: WhatIfRow[] = [];
  const offline: string[] = [];
  for (const { host, empty, nodes, counts } of candidates) {
    if (empty) continue;
    if (!host.online) {
      offline.push(host.name);
      continue;
    }
    let best: WhatIfRow | undefined;
    for (const node of request.numa === "none" ? [null] : [...new Set(nodes)]) {
      const c = counts(node);
      const capped = (n: number) => (c.enough ? Math.min(request.count, n) : 0);
      const row = {
        host: host.name,
        now: capped(c.now),
        afterCreate: capped(c.available),
        numaNode: node,
        fits: capped(c.available) >= request.count,
      };
      if (!best || row.afterCreate > best.afterCreate || (row.afterCreate === best.afterCreate && row.now > best.now)) best = row;
    }
    if (best) rows.push(best);
  }
  rows.sort((a, b) => Number(b.fits) - Number(a.fits) || b.now - a.now || b.afterCreate - a.afterCreate || a.host.localeCompare(b.host));
  return { hosts: rows, offline };
}
