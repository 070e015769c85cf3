import { describe, expect, it } from "vitest";
import { auditFleet, checkStatuses, collectFleetMacs, decodeCheckStatuses, encodeCheckStatuses, rankFleetHealth } from "./audit-fleet.ts";
import { auditHost } from "./audit-host.ts";
import { makeInventory } from "./testing/make-inventory.ts";

describe("auditFleet", () => {
  it("ranks hosts worst first and finds a VF MAC reused on two hosts", () => {
    const good = makeInventory();
    const noIommu = makeInventory({
      host: {
        kernelCmdline: "quiet",
        iommu: { enabled: false, groups: 0, units: [], interruptRemapping: null, allowUnsafeInterrupts: null },
      },
    });
    const twin = makeInventory(); // same VF MACs as `good`
    const fleet = auditFleet([
      { name: "a-good", inventory: good },
      { name: "b-noiommu", inventory: noIommu },
      { name: "c-twin", inventory: twin },
    ]);
    expect(fleet.hosts[0]!.name).toBe("b-noiommu");
    const mac = fleet.checks.find((c) => c.id === "sriov.mac-unique")!;
    expect(mac.failing.sort()).toEqual(["a-good", "b-noiommu", "c-twin"]);
    const groups = fleet.checks.find((c) => c.id === "iommu.groups")!;
    expect(groups.failing).toEqual(["b-noiommu"]);
    expect(
      fleet.hosts
        .find((h) => h.name === "a-good")!
        .report.checks.find((c) => c.id === "sriov.mac-unique")!
        .evidence.join("\n"),
    ).toMatch(/also used on host b-noiommu, c-twin/);
  });

  it("passes MAC uniqueness when every host has its own MACs", () => {
    const a = makeInventory();
    const b = makeInventory();
    for (const c of b.devices.find((d) => d.sriov)!.sriov!.vfConfigs) c.mac = c.mac!.replace(/^02/, "06");
    const fleet = auditFleet([
      { name: "a", inventory: a },
      { name: "b", inventory: b },
    ]);
    expect(fleet.checks.find((c) => c.id === "sriov.mac-unique")).toBeUndefined();
  });
});

describe("rankFleetHealth", () => {
  it("gives auditFleet's statuses, ranking and rows from stored per-host statuses and the hosts sharing MACs", () => {
    const own = makeInventory();
    for (const c of own.devices.find((d) => d.sriov)!.sriov!.vfConfigs) c.mac = c.mac!.replace(/^02/, "06");
    const hosts = [
      { name: "a-good", inventory: makeInventory() },
      {
        name: "b-noiommu",
        inventory: makeInventory({
          host: {
            kernelCmdline: "quiet",
            iommu: { enabled: false, groups: 0, units: [], interruptRemapping: null, allowUnsafeInterrupts: null },
          },
        }),
      },
      { name: "c-twin", inventory: makeInventory() },
      { name: "d-own-macs", inventory: own },
      { name: "e-partial", inventory: makeInventory({ host: { unread: ["/proc/cmdline", "/sys/module"] } }) },
    ];
    const full = auditFleet(hosts);
    // What the control plane stores per host: the host audit alone, no fleet-wide MACs.
    const stored = hosts.map(({ name, inventory }) => ({
      name,
      checks: checkStatuses(auditHost(inventory)),
      auditedAt: "2026-12-07T00:00:00.000Z",
    }));
    const sharing = new Set([...collectFleetMacs(hosts).values()].filter((names) => names.length > 1).flat());
    const fast = rankFleetHealth(stored, sharing);
    expect(fast.hosts.map((h) => [h.name, h.summary, h.checks])).toEqual(
      full.hosts.map((h) => [h.name, h.report.summary, checkStatuses(h.report)]),
    );
    expect(fast.checks).toEqual(full.checks);
    expect(fast.hosts.find((h) => h.name === "d-own-macs")!.checks["sriov.mac-unique"]).toBe("pass");
    expect(fast.hosts.find((h) => h.name === "e-partial")!.verdict).toBe("fail");
  });
});

describe("encodeCheckStatuses", () => {
  it("stores every rule's status in one letter and reads it back; letters for other rules read as nothing", () => {
    const statuses = checkStatuses(auditHost(makeInventory({ host: { unread: ["/proc/cmdline"] } })));
    const letters = encodeCheckStatuses(statuses);
    expect(letters).toMatch(/^[pwfun]+$/);
    expect(decodeCheckStatuses(letters)).toEqual(statuses);
    expect(decodeCheckStatuses(letters.slice(1))).toBeNull();
    expect(decodeCheckStatuses(letters.replace(/^./, "x"))).toBeNull();
  });
});
