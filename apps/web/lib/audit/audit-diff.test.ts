import { describe, expect, it } from "vitest";
import { auditDiffRows, flatten } from "./audit-diff.ts";

const rows = (before: unknown, after: unknown) => auditDiffRows(before, after).map((r) => [r.path, r.before, r.after, r.changed]);

describe("auditDiffRows", () => {
  it("puts before and after of each key side by side and marks only what moved", () => {
    expect(
      rows({ vf: { mac: "02:00:00:00:00:01", vlan: 0, trust: false } }, { vf: { mac: "02:00:00:00:00:02", vlan: 0, trust: false } }),
    ).toEqual([
      ["vf.mac", "02:00:00:00:00:01", "02:00:00:00:00:02", true],
      ["vf.vlan", "0", "0", false],
      ["vf.trust", "false", "false", false],
    ]);
  });

  it("does not call everything changed when the two sides have different shapes (a job: state found, job queued)", () => {
    expect(rows({ numVfs: 16 }, { job: { kind: "vf.set-count", params: { pf: "0000:86:00.0", count: 4 } } })).toEqual([
      ["numVfs", "16", undefined, false],
      ["job.kind", undefined, "vf.set-count", false],
      ["job.params.pf", undefined, "0000:86:00.0", false],
      ["job.params.count", undefined, "4", false],
    ]);
  });

  it("marks a key one side lacks when the sides share others, says none for null, and marks nothing with one side absent", () => {
    expect(rows({ driver: "mlx5_core", driverOverride: null }, { driver: "vfio-pci" })).toEqual([
      ["driver", "mlx5_core", "vfio-pci", true],
      ["driverOverride", "none", undefined, true],
    ]);
    expect(rows(null, { a: 1 })).toEqual([["a", undefined, "1", false]]);
  });

  it("summarises long lists", () => {
    expect(flatten({ vfs: Array.from({ length: 160 }, (_, i) => `vf${i}`) }).get("vfs")).toBe(
      "vf0, vf1, vf2, vf3, vf4, vf5, vf6, vf7 … (160 in all)",
    );
    expect(flatten({ devices: Array.from({ length: 20 }, () => ({ a: 1 })) }).get("devices")).toBe("20 items");
  });
});
