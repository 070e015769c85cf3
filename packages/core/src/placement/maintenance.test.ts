import { describe, expect, it } from "vitest";
import { computePoolCapacity } from "./compute-pool-capacity.ts";
import { placeRequest, type PlacementRequest } from "./place-request.ts";
import { summarizePf } from "./pf-summary.ts";
import { previewChanges } from "./preview-changes.ts";
import { rankSummaryHosts } from "./rank-summary-hosts.ts";
import { ask, cx5, makePf, makePlacementHost } from "./testing/make-placement-host.ts";
import { whatIf } from "./what-if.ts";

// The host in maintenance is the better one (all ready): it would win were it not out of service.
const held = makePlacementHost("gpu-07", [makePf(0x35, 0, { ready: 16 })], { maintenance: true });
const other = makePlacementHost("gpu-08", [makePf(0x35, 0, { bindable: 8, totalVfs: 8 })]);

describe("maintenance", () => {
  it("places nothing on a host in maintenance, even when it is the best fit", () => {
    const r = placeRequest([held, other], ask());
    expect(r.ok && r.placement.host).toBe("gpu-08");
  });

  it("says which hosts in maintenance were left out when nothing else fits", () => {
    const r = placeRequest([held, other], ask({ count: 12 }));
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.error).toContain("(in maintenance, not counted: gpu-07)");
    const named = placeRequest([held, other], ask({ host: "gpu-07" }));
    expect(named.ok ? "" : named.error).toBe(
      "no host has 4 ready, bindable or creatable VFs: no online host named gpu-07 out of maintenance has pool cx5 (in maintenance, not counted: gpu-07)",
    );
  });

  it("the summary ranking, what-if and pool capacity keep it apart like an offline host", () => {
    const summaries = [held, other].map((h) => ({ ...h, pfs: h.pfs.map(summarizePf) }));
    expect(rankSummaryHosts(summaries, ask())).toEqual(["id-gpu-08"]);
    const w = whatIf([held, other], { ...ask(), pool: cx5 });
    expect(w.maintenance).toEqual(["gpu-07"]);
    expect(w.hosts.map((h) => h.host)).toEqual(["gpu-08"]);
    const cap = computePoolCapacity(cx5.selector, [held, other]);
    expect(cap.ready).toBe(0);
    expect(cap.bindable).toBe(8);
    expect(cap.maintenance).toMatchObject([{ host: "gpu-07", ready: 16 }]);
  });

  it("a preview whose host went into maintenance since cannot be confirmed as it was", () => {
    const free = { ...held, maintenance: false };
    const r = placeRequest([free], ask());
    if (!r.ok) throw new Error(r.error);
    expect(previewChanges(free, r.placement, new Set())).toEqual([]);
    expect(previewChanges(held, r.placement, new Set())).toEqual(["host gpu-07 went into maintenance"]);
  });
});
