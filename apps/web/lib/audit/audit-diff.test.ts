import { describe, expect, it } from "vitest";
import { auditDiff, flatten } from "./audit-diff.ts";

describe("auditDiff", () => {
  it("marks the keys whose values changed between before and after, and leaves the rest plain", () => {
    const d = auditDiff(
      { vf: { mac: "02:00:00:00:00:01", vlan: 0, trust: false } },
      { vf: { mac: "02:00:00:00:00:02", vlan: 0, trust: false } },
    );
    expect(d.before).toEqual([
      { path: "vf.mac", value: "02:00:00:00:00:01", changed: true },
      { path: "vf.vlan", value: "0", changed: false },
      { path: "vf.trust", value: "false", changed: false },
    ]);
    expect(d.after[0]).toEqual({ path: "vf.mac", value: "02:00:00:00:00:02", changed: true });
  });

  it("does not call everything changed when the two sides have different shapes (a job: state found, job queued)", () => {
    const d = auditDiff({ numVfs: 16, totalVfs: 16 }, { job: { kind: "vf.set-count", params: { pf: "0000:86:00.0", count: 4 } } });
    expect(d.before.map((l) => [l.path, l.value, l.changed])).toEqual([
      ["numVfs", "16", false],
      ["totalVfs", "16", false],
    ]);
    expect(d.after.map((l) => [l.path, l.value])).toEqual([
      ["job.kind", "vf.set-count"],
      ["job.params.pf", "0000:86:00.0"],
      ["job.params.count", "4"],
    ]);
  });

  it("marks a key one side lacks when the sides share others, and says none for null", () => {
    const d = auditDiff({ driver: "mlx5_core", driverOverride: null }, { driver: "vfio-pci" });
    expect(d.before).toEqual([
      { path: "driver", value: "mlx5_core", changed: true },
      { path: "driverOverride", value: "none", changed: true },
    ]);
    expect(auditDiff(null, { a: 1 }).after).toEqual([{ path: "a", value: "1", changed: false }]);
  });

  it("summarises long lists, puts changed lines first and counts what it leaves out", () => {
    expect(flatten({ vfs: Array.from({ length: 160 }, (_, i) => `vf${i}`) }).get("vfs")).toBe(
      "vf0, vf1, vf2, vf3, vf4, vf5, vf6, vf7 … (160 in all)",
    );
    expect(flatten({ devices: Array.from({ length: 20 }, () => ({ a: 1 })) }).get("devices")).toBe("20 items");
    const before = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
    const d = auditDiff(before, { ...before, k19: 99 }, 5);
    expect(d.before[0]).toEqual({ path: "k19", value: "19", changed: true });
    expect(d.before).toHaveLength(5);
    expect(d.hidden.before).toBe(15);
  });
});
