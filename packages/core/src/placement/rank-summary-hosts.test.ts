import { describe, expect, it } from "vitest";
import { poolPfs } from "./match-pool.ts";
import { summarizePf } from "./pf-summary.ts";
import { placeRequest, type NumaPolicy, type PlacementRequest } from "./place-request.ts";
import type { PlacementHost } from "./placement-types.ts";
import { rankSummaryHosts } from "./rank-summary-hosts.ts";
import { makePf, makePlacementHost } from "./testing/make-placement-host.ts";

const cx5 = { name: "cx5", selector: { vendorId: "15b3", deviceId: "1017" } };
const summaries = (hosts: PlacementHost[]) =>
  hosts.map((h) => ({
    id: h.id,
    name: h.name,
    online: h.online,
    maintenance: h.maintenance,
    pfs: poolPfs(cx5.selector, h).map(summarizePf),
  }));

/** A small deterministic generator (mulberry32): the same fleets on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Hosts of 1-6 PFs over two NUMA nodes with every mix of ready, bindable, assigned and creatable VFs. */
function fleet(next: () => number, size: number): PlacementHost[] {
  const int = (n: number) => Math.floor(next() * n);
  return Array.from({ length: size }, (_, h) => {
    const pfs = Array.from({ length: 1 + int(6) }, (_, i) => {
      const o = { ready: int(5), bindable: int(5), assigned: int(3) };
      return makePf(0x30 + i, int(2), { ...o, totalVfs: o.ready + o.bindable + o.assigned + int(6), link: next() < 0.2 ? "down" : "up" });
    });
    return makePlacementHost(`h${String(h).padStart(2, "0")}`, pfs, { online: next() > 0.1 });
  });
}

describe("choosing a host from stored per-PF counts", () => {
  it("picks the host placeRequest picks on the full rows, for every NUMA policy, spread, cap, link and strategy, and finds none exactly when it finds none", () => {
    const next = random(8);
    let fitted = 0;
    for (let i = 0; i < 600; i++) {
      const hosts = fleet(next, 2 + Math.floor(next() * 6));
      const numa = (["required", "preferred", "none"] as NumaPolicy[])[i % 3]!;
      const count = 1 + Math.floor(next() * 14);
      const request: PlacementRequest = {
        pool: cx5,
        numa,
        count,
        minPfs: 1 + Math.floor(next() * Math.min(3, count)),
        maxPerPf: next() < 0.3 ? 1 + Math.floor(next() * 4) : undefined,
        link: next() < 0.3 ? "any" : "up",
        strategy: ([undefined, "pack", "spread"] as const)[Math.floor(next() * 3)],
        guest: { name: "new", vcpus: 8, memoryMiB: 8192, numaNode: next() < 0.2 ? Math.floor(next() * 2) : undefined },
      };
      const onRows = placeRequest(hosts, request);
      const ranked = rankSummaryHosts(summaries(hosts), request);
      if (onRows.ok) fitted++;
      expect([i, ranked[0] ?? null]).toEqual([i, onRows.ok ? onRows.placement.hostId : null]);
      // Every host it ranks fits on its own rows, and no fitting host is left out.
      for (const h of hosts) expect([i, h.name, ranked.includes(h.id)]).toEqual([i, h.name, placeRequest([h], request).ok]);
    }
    // The fleets above exercise both answers, not only one.
    expect(fitted).toBeGreaterThan(100);
    expect(fitted).toBeLessThan(550);
  });

  it("prefers NUMA-local over fewer jobs when preferred, and fewer jobs over name order", () => {
    const spanning = makePlacementHost("a-spanning", [makePf(0x35, 0, { ready: 4 }), makePf(0x86, 1, { ready: 4 })]);
    const local = makePlacementHost("b-local", [makePf(0x35, 0, { bindable: 8 })]);
    const ready = makePlacementHost("c-ready", [makePf(0x35, 1, { ready: 8 })]);
    const ask = (numa: NumaPolicy): PlacementRequest => ({ pool: cx5, count: 8, numa, guest: { name: "new" } });
    expect(rankSummaryHosts(summaries([spanning, local, ready]), ask("preferred"))).toEqual(["id-c-ready", "id-b-local", "id-a-spanning"]);
    expect(rankSummaryHosts(summaries([spanning, local, ready]), ask("none"))).toEqual(["id-a-spanning", "id-c-ready", "id-b-local"]);
  });

  it("pack fills the busiest host that fits, spread the freest, whatever the jobs", () => {
    const busy = makePlacementHost("a-busy", [makePf(0x35, 0, { bindable: 4, assigned: 12 })]);
    const half = makePlacementHost("b-half", [makePf(0x35, 0, { ready: 8, assigned: 8 })]);
    const empty = makePlacementHost("c-empty", [makePf(0x35, 0, { bindable: 16 })]);
    const ask = (strategy?: "pack" | "spread"): PlacementRequest => ({
      pool: cx5,
      count: 4,
      numa: "none",
      strategy,
      guest: { name: "new" },
    });
    const hosts = [busy, half, empty];
    expect(rankSummaryHosts(summaries(hosts), ask())).toEqual(["id-b-half", "id-a-busy", "id-c-empty"]);
    expect(rankSummaryHosts(summaries(hosts), ask("pack"))).toEqual(["id-a-busy", "id-b-half", "id-c-empty"]);
    expect(rankSummaryHosts(summaries(hosts), ask("spread"))).toEqual(["id-c-empty", "id-b-half", "id-a-busy"]);
    for (const strategy of ["pack", "spread"] as const) {
      const placed = placeRequest(hosts, ask(strategy));
      expect(placed.ok && placed.placement.host).toBe(strategy === "pack" ? "a-busy" : "c-empty");
    }
  });
});
