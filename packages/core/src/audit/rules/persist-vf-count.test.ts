import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { makeInventory } from "../testing/make-inventory.ts";
import { persistVfCountRule } from "./persist-vf-count.ts";

const entry = (numVfs: number, target: { interface?: string; driver?: string }) => ({
  source: "/etc/sysfs.d/mlnx-vfs.conf:1",
  interface: target.interface ?? null,
  address: null,
  driver: target.driver ?? null,
  numVfs,
});

describe("persistence.vf-count", () => {
  it("passes when sysfs.d sets the current count (seed 000's mlnx-vfs.conf)", () => {
    const inv = makeInventory({ vfs: 8 });
    inv.host.persistence!.vfCounts = [entry(8, { interface: "enp134s0f0" })];
    const r = persistVfCountRule.run(buildAuditContext(inv));
    expect(r.status).toBe("pass");
    expect(r.evidence).toEqual(["0000:86:00.0: 8 VFs at boot (/etc/sysfs.d/mlnx-vfs.conf:1)"]);
  });
  it("passes a udev rule matching the PF driver", () => {
    const inv = makeInventory({ vfs: 8 });
    inv.host.persistence!.vfCounts = [entry(8, { driver: "mlx5_core" })];
    expect(persistVfCountRule.run(buildAuditContext(inv)).status).toBe("pass");
  });
  it("fails with the sysfs.d line when nothing sets the count, or a different one", () => {
    const inv = makeInventory({ vfs: 16 });
    let r = persistVfCountRule.run(buildAuditContext(inv));
    expect(r.status).toBe("fail");
    expect(r.remediation).toContain("class/net/enp134s0f0/device/sriov_numvfs = 16");
    inv.host.persistence!.vfCounts = [entry(8, { interface: "enp134s0f0" })];
    r = persistVfCountRule.run(buildAuditContext(inv));
    expect(r.status).toBe("fail");
    expect(r.evidence).toContain("0000:86:00.0: /etc/sysfs.d/mlnx-vfs.conf:1 sets 8 VFs at boot, 16 wanted");
  });
  it("could not tell when the scan did not read /etc, saying so", () => {
    const inv = makeInventory();
    delete inv.host.persistence;
    const r = persistVfCountRule.run(buildAuditContext(inv));
    expect(r.status).toBe("unknown");
    expect(r.evidence[0]).toMatch(/^could not tell: \/etc was not read/);
  });
});
