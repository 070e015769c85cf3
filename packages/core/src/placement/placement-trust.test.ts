import { describe, expect, it } from "vitest";
import { placeGroup } from "./place-group.ts";
import { placeRequest, type Placement, type PlacementRequest } from "./place-request.ts";
import { previewChanges } from "./preview-changes.ts";
import { evenShares } from "./solve-scope.ts";
import { whatIf } from "./what-if.ts";
import type { PlacementHost } from "./placement-types.ts";
import { makePf, makePlacementHost } from "./testing/make-placement-host.ts";

const cx5 = { name: "cx5", selector: { vendorId: "15b3", deviceId: "1017" } };
const ask = (o: Partial<PlacementRequest> = {}): PlacementRequest => ({
  pool: cx5,
  count: 16,
  numa: "none",
  guest: { name: "g1", vcpus: 8, memoryMiB: 8192 },
  ...o,
});
function placed(hosts: PlacementHost[], o: Partial<PlacementRequest> = {}): Placement {
  const r = placeRequest(hosts, ask(o));
  if (!r.ok) throw new Error(r.error);
  return r.placement;
}
/** VFs per PF, in PF address order. */
const split = (p: Placement) => [...new Set(p.vfs.map((v) => v.pf))].map((pf) => p.vfs.filter((v) => v.pf === pf).length);

describe("even spread over minPfs", () => {
  it("16 over at least 4 PFs is 4/4/4/4, not 13/1/1/1", () => {
    const host = makePlacementHost(
      "h",
      [0x35, 0x36, 0x37, 0x38, 0x39].map((bus) => makePf(bus, 0, { ready: 16 })),
    );
    expect(split(placed([host], { minPfs: 4 }))).toEqual([4, 4, 4, 4]);
    expect(split(placed([host], { count: 18, minPfs: 4 })).sort()).toEqual([4, 4, 5, 5]);
  });

  it("as evenly as the free VFs allow, widened to more PFs only when k cannot hold the count; maxPerPf still caps", () => {
    const host = makePlacementHost("h", [
      makePf(0x35, 0, { ready: 16 }),
      makePf(0x36, 0, { ready: 2, assigned: 14 }),
      makePf(0x37, 0, { ready: 16 }),
      makePf(0x38, 0, { ready: 16 }),
    ]);
    // The PF with 2 free gives its 2; the other three share the rest: 5/5/4 + 2.
    expect(split(placed([host], { minPfs: 4 })).sort()).toEqual([2, 4, 5, 5]);
    expect(split(placed([host], { minPfs: 2, maxPerPf: 6 })).sort()).toEqual([5, 5, 6]);
    expect(split(placed([host], { count: 4, minPfs: 1 }))).toEqual([4]);
  });

  it("evenShares is max-min fair and sums to the count", () => {
    expect(evenShares([16, 16, 16, 16], 16)).toEqual([4, 4, 4, 4]);
    // The first (best) of equals takes the extra one.
    expect(evenShares([1, 16, 16], 10)).toEqual([1, 5, 4]);
    expect(evenShares([3, 3, 100], 50)).toEqual([3, 3, 44]);
  });
});

describe("links", () => {
  // Seed 000's DGX-2: 8 ConnectX-5 ports without carrier, one dual-port card with it whose VFs a guest holds.
  const dgx2 = () =>
    makePlacementHost("dgx2", [
      ...[0x35, 0x3a, 0x5d, 0x62].map((bus) => makePf(bus, 0, { ready: 16, link: "down" })),
      ...[0x86, 0x87].map((bus) => makePf(bus, 1, { assigned: 16, link: "up" })),
    ]);

  it("takes VFs only from ports with carrier unless link is any, and says what unlinked ports would give", () => {
    const r = placeRequest([dgx2()], ask({ minPfs: 4, numa: "required" }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(/^no host has 16 ready, bindable or creatable VFs on ports with link on one NUMA node/);
    expect(r.error).toContain('on ports without link (link: "any") it fits on dgx2');
    expect(r.withoutLink).toEqual({ fits: true, host: "dgx2", available: 16 });
    const any = placed([dgx2()], { minPfs: 4, numa: "required", link: "any" });
    expect(new Set(any.vfs.map((v) => v.port?.link))).toEqual(new Set(["down"]));
    expect(split(any)).toEqual([4, 4, 4, 4]);
  });

  it("prefers a linked host over a richer unlinked one, and carries netdev and speed per VF", () => {
    const linked = makePlacementHost("b-linked", [makePf(0x86, 1, { ready: 4 })]);
    const p = placed([dgx2(), linked], { count: 4 });
    expect(p.host).toBe("b-linked");
    expect(p.vfs[0]!.port).toEqual({ netdev: "enp134s0", link: "up", speedMbps: 100_000 });
  });
});

describe("groups", () => {
  const rack = (name: string, r: string) => makePlacementHost(name, [makePf(0x35, 0, { ready: 8 })], { labels: { rack: r } });

  it("replicas with anti-affinity by host never share a host, and the group fails whole when one cannot be placed", () => {
    const hosts = [rack("a", "r1"), rack("b", "r1"), rack("c", "r2")];
    const g = placeGroup(hosts, ask({ count: 4 }), { replicas: 3, antiAffinity: { by: "host" } });
    if (!g.ok) throw new Error(g.error);
    expect(g.placements.map((p) => p.guest.name)).toEqual(["g1-1", "g1-2", "g1-3"]);
    expect(new Set(g.placements.map((p) => p.host)).size).toBe(3);
    const four = placeGroup(hosts, ask({ count: 4 }), { replicas: 4, antiAffinity: { by: "host" } });
    expect(four.ok).toBe(false);
    if (!four.ok) expect(four.error).toMatch(/^guest 4 of 4 \(g1-4\): .*anti-affinity by host left out 3 host/);
  });

  it("anti-affinity by label spreads over its values; without it the group packs and never takes a VF twice", () => {
    const hosts = [rack("a", "r1"), rack("b", "r1"), rack("c", "r2")];
    const g = placeGroup(hosts, ask({ count: 4 }), { replicas: 2, antiAffinity: { by: "label", key: "rack" }, guests: ["x", "y"] });
    if (!g.ok) throw new Error(g.error);
    expect(g.placements.map((p) => hosts.find((h) => h.name === p.host)!.labels.rack).sort()).toEqual(["r1", "r2"]);
    expect(placeGroup(hosts, ask({ count: 4 }), { replicas: 3, antiAffinity: { by: "label", key: "rack" } }).ok).toBe(false);
    const packed = placeGroup([rack("a", "r1")], ask({ count: 4 }), { replicas: 2 });
    if (!packed.ok) throw new Error(packed.error);
    const all = packed.placements.flatMap((p) => p.vfs.map((v) => v.address));
    expect(new Set(all).size).toBe(8);
  });
});

describe("preview changes", () => {
  it("a preview holds while its VFs are as shown, and names each VF another guest took or the port that lost link", () => {
    const host = makePlacementHost("h", [makePf(0x35, 0, { ready: 8 })]);
    const p = placed([host], { count: 4 });
    expect(previewChanges(host, p, new Set())).toEqual([]);
    const taken = p.vfs[1]!.address;
    const moved: PlacementHost = {
      ...host,
      pfs: host.pfs.map((pf) => ({
        ...pf,
        port: { netdev: "enp53s0", link: "down", speedMbps: null },
        vfs: pf.vfs.map((v) => (v.address === taken ? { ...v, claim: { state: "reserved", guest: "other" } } : v)),
      })),
    };
    expect(previewChanges(moved, p, new Set())).toEqual([
      "PF 0000:35:00.0 (enp53s0) lost its link",
      `VF ${taken} is reserved to other now (ready in the preview)`,
    ]);
    expect(previewChanges(undefined, p, new Set())).toEqual(["host h is no longer in the fleet"]);
    expect(previewChanges({ ...host, online: false }, p, new Set())).toEqual(["host h went offline"]);
  });
});

describe("why not here", () => {
  it("the what-if says per host which constraint fails, in numbers: link, count, spread, NUMA", () => {
    const dgx2 = makePlacementHost("dgx2", [
      ...[0x35, 0x3a, 0x5d, 0x62].map((bus) => makePf(bus, 0, { ready: 16, link: "down" })),
      makePf(0x86, 1, { ready: 2, assigned: 14 }),
      makePf(0x87, 1, { ready: 3, assigned: 13 }),
    ]);
    const numa = makePlacementHost("numa", [makePf(0x35, 0, { ready: 8, totalVfs: 8 }), makePf(0x86, 1, { ready: 8, totalVfs: 8 })]);
    const rows = whatIf([dgx2, numa], { pool: cx5, count: 16, numa: "required", minPfs: 4 }).hosts;
    expect(rows.find((r) => r.host === "dgx2")!.why).toEqual([
      'link: 4 of 6 PFs have no carrier; their 64 free VFs are not counted (link: "any" counts them)',
      "count: 5 of 16 VFs free (5 ready, 0 bindable, 0 creatable)",
      "spread: 2 PFs with free VFs, 4 asked (minPfs)",
    ]);
    expect(rows.find((r) => r.host === "numa")!.why).toEqual(["spread: 2 PFs with free VFs, 4 asked (minPfs)"]);
    const local = whatIf([numa], { pool: cx5, count: 16, numa: "required" }).hosts[0]!;
    expect([local.fits, local.why]).toEqual([false, ["numa: one node is required; node 0, the best, has 8 of 16"]]);
    expect(whatIf([dgx2], { pool: cx5, count: 16, numa: "required", minPfs: 4, link: "any" }).hosts[0]).toMatchObject({
      fits: true,
      why: [],
    });
  });
});
