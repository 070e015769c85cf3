import { describe, expect, it } from "vitest";
import { makeInventory } from "../audit/testing/make-inventory.ts";
import { computePoolCapacity } from "./compute-pool-capacity.ts";
import { placeRequest, type PlacementRequest } from "./place-request.ts";
import { placementHostFromInventory } from "./placement-host-from-inventory.ts";
import type { PlacementDevice, PlacementHost } from "./placement-types.ts";
import { ask, cx5, makePf, makePlacementHost } from "./testing/make-placement-host.ts";
import { whatIf } from "./what-if.ts";

const place = (hosts: PlacementHost[], o: Partial<PlacementRequest> = {}, used?: Set<string>) => placeRequest(hosts, ask(o), used);
function placed(hosts: PlacementHost[], o: Partial<PlacementRequest> = {}, used?: Set<string>) {
  const r = place(hosts, o, used);
  if (!r.ok) throw new Error(r.error);
  return r.placement;
}

describe("placement", () => {
  it("NUMA required keeps every VF on one node; the explanation names what each node has", () => {
    const host = makePlacementHost(
      "dgx2-01",
      [makePf(0x35, 0, { ready: 6 }), makePf(0x36, 0, { ready: 6 }), makePf(0x86, 1, { ready: 6 }), makePf(0x87, 1, { ready: 6 })].map(
        (p) => ({ ...p, totalVfs: p.numVfs }),
      ),
    );
    const p = placed([host], { count: 12, numa: "required" });
    expect(new Set(p.vfs.map((v) => v.numaNode)).size).toBe(1);
    expect(p.numaNode).not.toBeNull();
    const r = place([host], { count: 16, numa: "required" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain("no host has 16 ready, bindable or creatable VFs on one NUMA node");
    expect(r.error).toContain("dgx2-01 has 12 on node 0 (2 PFs) and 12 on node 1 (2 PFs)");
    expect(r.candidates.map((c) => [c.host, c.numaNode, c.available])).toEqual([
      ["dgx2-01", 0, 12],
      ["dgx2-01", 1, 12],
    ]);
  });

  it("NUMA required follows an existing guest's pinned vCPUs; an unpinned guest cannot be judged", () => {
    const pfs = [makePf(0x35, 0, { ready: 8 }), makePf(0x86, 1, { ready: 8 })];
    const guest = { name: "g1", state: "shut off", vcpus: 8, memoryKiB: 8 << 20, cpuset: "24-31", heldMsix: [] };
    const p = placed([makePlacementHost("h", pfs, { guests: [guest] })], { numa: "required" });
    expect(p.vfs.every((v) => v.pf === "0000:86:00.0")).toBe(true);
    expect(p.guest.exists).toBe(true);
    const r = place([makePlacementHost("h", pfs, { guests: [{ ...guest, cpuset: null }] })], { numa: "required" });
    expect(r.ok ? "" : r.error).toContain("vCPUs are not pinned: NUMA locality could not be told");
  });

  it("NUMA preferred takes one node when one fits, and spans nodes (with a note) only when none does", () => {
    const host = makePlacementHost("h", [makePf(0x35, 0, { ready: 3, totalVfs: 3 }), makePf(0x86, 1, { ready: 5, totalVfs: 5 })]);
    expect(placed([host], { count: 4, numa: "preferred" }).numaNode).toBe(1);
    const wide = placed([host], { count: 7, numa: "preferred" });
    expect(wide.numaNode).toBeNull();
    expect(wide.notes[0]).toContain("span nodes");
  });

  it("spread: at least k PFs and at most m per PF, or a clear no", () => {
    const host = makePlacementHost(
      "h",
      [0x35, 0x36, 0x37, 0x38, 0x39].map((b) => makePf(b, 0, { ready: 8, totalVfs: 8 })),
    );
    const p = placed([host], { count: 16, minPfs: 4, maxPerPf: 4 });
    const per = new Map<string, number>();
    for (const v of p.vfs) per.set(v.pf, (per.get(v.pf) ?? 0) + 1);
    expect(per.size).toBeGreaterThanOrEqual(4);
    expect(Math.max(...per.values())).toBeLessThanOrEqual(4);
    expect(p.vfs).toHaveLength(16);
    const no = place([host], { count: 21, maxPerPf: 4 });
    expect(no.ok ? "" : no.error).toContain("with at most 4 per PF; h has 20");
    expect(place([host], { count: 3, minPfs: 4 })).toMatchObject({ ok: false, field: "minPfs" });
  });

  it("creates VFs only where the count can change without destroying an assigned VF, up to sriov_totalvfs", () => {
    const busy = makePf(0x35, 0, { ready: 1, assigned: 1, totalVfs: 16 });
    const empty = makePf(0x36, 0, { totalVfs: 4 });
    const host = makePlacementHost("h", [busy, empty]);
    const cap = computePoolCapacity(cx5.selector, [host]);
    expect(cap).toMatchObject({ ready: 1, creatable: 4, assigned: 1 });
    const p = placed([host], { count: 5 });
    expect(p.setCounts).toEqual([{ pf: "0000:36:00.0", from: 0, to: 4, destroyed: [] }]);
    // New VFs get the addresses the kernel will give them: PF routing id + offset 2 + stride 1 x index.
    expect(p.vfs.filter((v) => !v.exists).map((v) => v.address)).toEqual(["0000:36:00.2", "0000:36:00.3", "0000:36:00.4", "0000:36:00.5"]);
    const no = place([host], { count: 6 });
    expect(no.ok).toBe(false);
  });

  it("a count change recreates the PF's VFs: ones already on vfio-pci need binding again", () => {
    const pf = makePf(0x35, 0, { ready: 2, totalVfs: 8 });
    const p = placed([makePlacementHost("h", [pf])], { count: 4 });
    expect(p.setCounts[0]).toMatchObject({ from: 2, to: 4, destroyed: pf.vfs.map((v) => v.address) });
    expect(p.vfs).toHaveLength(4);
  });

  it("prefers ready VFs and hosts needing fewer jobs", () => {
    const needsWork = makePlacementHost("a", [makePf(0x35, 0, { bindable: 8 })]);
    const ready = makePlacementHost("b", [makePf(0x35, 0, { ready: 8 })]);
    expect(placed([needsWork, ready]).host).toBe("b");
  });

  it("offline hosts are never counted as free nor placed on", () => {
    const off = makePlacementHost("off", [makePf(0x35, 0, { ready: 16 })], { online: false });
    const r = place([off], { count: 2 });
    expect(r.ok ? "" : r.error).toContain("(1 offline host with this pool not counted)");
    const cap = computePoolCapacity(cx5.selector, [off]);
    expect(cap.ready).toBe(0);
    expect(cap.offline).toMatchObject([{ host: "off", ready: 16 }]);
  });

  it("host and host-label constraints", () => {
    const a = makePlacementHost("a", [makePf(0x35, 0, { ready: 8 })], { labels: { rack: "r1" } });
    const b = makePlacementHost("b", [makePf(0x35, 0, { ready: 8 })], { labels: { rack: "r12", fabric: "roce" } });
    expect(placed([a, b], { hostLabels: { fabric: "roce" } }).host).toBe("b");
    expect(placed([a, b], { host: "a" }).host).toBe("a");
    expect(place([a, b], { host: "zz" })).toMatchObject({ ok: false, field: "host" });
  });

  it("MACs: allocated from the pool range skipping every MAC the fleet uses; explicit ones must be unused", () => {
    const host = makePlacementHost("h", [makePf(0x35, 0, { ready: 8 })]);
    const pool = { ...cx5, macRange: { from: "02:00:00:00:00:01", to: "02:00:00:00:00:10" } };
    const used = new Set(["02:00:00:00:00:01", "02:00:00:00:00:03"]);
    expect(placed([host], { pool, count: 3, allocateMacs: true }, used).vfs.map((v) => v.assignMac)).toEqual([
      "02:00:00:00:00:02",
      "02:00:00:00:00:04",
      "02:00:00:00:00:05",
    ]);
    expect(place([host], { count: 2, macs: ["02:00:00:00:00:09", "02:00:00:00:00:03"] }, used)).toMatchObject({
      ok: false,
      field: "macs.1",
    });
    expect(place([host], { count: 2, macs: ["02:00:00:00:00:09"] }, used)).toMatchObject({ ok: false, field: "macs" });
    const small = { ...cx5, macRange: { from: "02:00:00:00:00:01", to: "02:00:00:00:00:03" } };
    expect(place([host], { pool: small, count: 2, allocateMacs: true }, used)).toMatchObject({ ok: false });
  });

  it("whole-device pools take the device's whole IOMMU group and skip groups with a held member", () => {
    const gpu = (address: string, group: PlacementDevice["group"], iommuGroup: number): PlacementDevice => ({
      address,
      vendorId: "10de",
      deviceId: "1db8",
      classCode: "030200",
      driver: "nvidia",
      numaNode: 0,
      linkSpeed: null,
      linkWidth: null,
      msixVectors: null,
      iommuGroup,
      group,
      hasVfs: false,
    });
    const shared = gpu(
      "0000:01:00.0",
      [
        { address: "0000:01:00.0", driver: "nvidia", claim: null, hostUse: false, quarantined: false },
        { address: "0000:01:00.1", driver: "snd_hda_intel", claim: null, hostUse: false, quarantined: false },
      ],
      1,
    );
    const held = gpu(
      "0000:02:00.0",
      [
        { address: "0000:02:00.0", driver: "vfio-pci", claim: null, hostUse: false, quarantined: false },
        { address: "0000:02:00.1", driver: "vfio-pci", claim: { state: "assigned", guest: "other" }, hostUse: false, quarantined: false },
      ],
      2,
    );
    const host = makePlacementHost("ws", [], { devices: [shared, held] });
    const pool = { name: "v100", selector: { kind: "device" as const, vendorId: "10de", deviceId: "1db8" } };
    const p = placed([host], { pool, count: 1 });
    expect(p.devices).toEqual([
      { address: "0000:01:00.0", group: ["0000:01:00.0", "0000:01:00.1"], numaNode: 0, state: "bindable", driver: "nvidia" },
    ]);
    expect(place([host], { pool, count: 2 }).ok).toBe(false);
  });

  it("sizes a new guest for seed 000: 160 VFs raise 4 vCPUs / 512 MiB, with the reason", () => {
    const host = makePlacementHost(
      "dgx2-01",
      Array.from({ length: 10 }, (_, i) => makePf(0x35 + i, i < 5 ? 0 : 1, { totalVfs: 16 })),
    );
    const p = placed([host], { count: 160, guest: { name: "g160", vcpus: 4, memoryMiB: 512 } });
    expect(p.vfs).toHaveLength(160);
    expect(p.setCounts).toHaveLength(10);
    expect(p.setCounts.every((s) => s.to === 16)).toBe(true);
    expect(p.guest.vcpus).toBeGreaterThan(4);
    expect(p.guest.memoryMiB).toBeGreaterThan(512);
    expect(p.guest.sizing.verdict).toBe("pass");
    expect(p.guest.sizing.reasons.join("\n")).toMatch(/vCPUs raised 4 -> \d+: 160 functions ask for/);
    expect(p.guest.sizing.reasons.join("\n")).toMatch(/memory raised 512 MiB -> \d+ MiB/);
    expect([p.guest.vcpus, p.guest.memoryMiB]).toEqual([11, 3072]);
  });

  it("sizes for the most a driver asks when the VFs' MSI-X table size cannot be read yet (VF count 0)", () => {
    const pfs = Array.from({ length: 10 }, (_, i) => ({ ...makePf(0x35 + i, i < 5 ? 0 : 1, { totalVfs: 16 }), vfMsixVectors: null }));
    const p = placed([makePlacementHost("dgx2-01", pfs)], { count: 160, guest: { name: "g160", vcpus: 4, memoryMiB: 512 } });
    expect([p.guest.vcpus, p.guest.memoryMiB]).toEqual([20, 3072]);
    expect(p.notes.join(" ")).toContain("could not be told before they exist");
  });

  it("an existing guest is judged, not resized", () => {
    const guest = { name: "g1", state: "running", vcpus: 1, memoryKiB: 256 * 1024, cpuset: null, heldMsix: [] };
    const p = placed([makePlacementHost("h", [makePf(0x35, 0, { ready: 16 })], { guests: [guest] })], { count: 16 });
    expect(p.guest).toMatchObject({ exists: true, vcpus: 1, memoryMiB: 256 });
    expect(p.guest.sizing.verdict).toBe("fail");
    expect(p.guest.sizing.reasons.join("\n")).toContain("needs at least 416 MiB of memory, has 256 MiB");
  });

  it("what-if lists each host's share now and after creating VFs, without NUMA or per node", () => {
    const a = makePlacementHost("a", [makePf(0x35, 0, { ready: 4, totalVfs: 16 }), makePf(0x86, 1, { bindable: 2, totalVfs: 2 })]);
    const b = makePlacementHost("b", [makePf(0x35, 0, { ready: 16 })]);
    expect(whatIf([a, b], { pool: cx5, count: 20, numa: "none" }).hosts).toEqual([
      {
        host: "b",
        now: 16,
        afterCreate: 16,
        numaNode: null,
        fits: false,
        why: ["count: 16 of 20 VFs free (16 ready, 0 bindable, 0 creatable)"],
      },
      {
        host: "a",
        now: 6,
        afterCreate: 18,
        numaNode: null,
        fits: false,
        why: ["count: 18 of 20 VFs free (4 ready, 2 bindable, 12 creatable)"],
      },
    ]);
    expect(whatIf([a], { pool: cx5, count: 10, numa: "required" }).hosts).toEqual([
      { host: "a", now: 4, afterCreate: 10, numaNode: 0, fits: true, why: [] },
    ]);
  });

  it("reads an inventory: guest hostdevs are assigned, the host's own interfaces are not bindable", () => {
    const inv = makeInventory({ vfs: 4 });
    inv.guests = [
      {
        name: "vm1",
        uuid: null,
        state: "shut off",
        vcpus: 4,
        memoryKiB: 8 << 20,
        machine: "pc-q35-7.2",
        cpuset: null,
        hugepages: false,
        pcieRootPorts: 0,
        hostdevs: [{ kind: "hostdev", address: inv.devices[3]!.address, managed: true, mac: null, vlan: null }],
      },
    ];
    const host = placementHostFromInventory(inv, {
      id: "1",
      name: "hv1",
      online: true,
      claims: new Map([[inv.devices[4]!.address, { state: "reserved", guest: "g" }]]),
    });
    expect(computePoolCapacity(cx5.selector, [host])).toMatchObject({ ready: 2, assigned: 1, reserved: 1, creatable: 0 });
    // The onboard igb NIC carries the default route: as a whole device it is never free.
    const igb = computePoolCapacity({ kind: "device", vendorId: "8086", deviceId: "1533" }, [host]);
    expect(igb).toMatchObject({ ready: 0, bindable: 0, inUse: 1 });
  });

  it("answers over 5,000 DGX-shaped hosts (10 PFs each) where combinations would number in the billions", () => {
    const hosts = Array.from({ length: 5000 }, (_, h) =>
      makePlacementHost(
        `h${h}`,
        Array.from({ length: 10 }, (_, i) => makePf(0x35 + i, i < 5 ? 0 : 1, { ready: h % 7, assigned: 3 })),
      ),
    );
    const r = place(hosts, { count: 16, numa: "required", minPfs: 4 });
    expect(r.ok).toBe(true);
  });
});
