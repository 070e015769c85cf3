import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { makeInventory } from "../testing/make-inventory.ts";
import { sriovVfCountRule } from "./sriov-vf-count.ts";

const PF = "0000:86:00.0";

describe("sriov.vf-count", () => {
  it("passes when the VFs wanted exist within the firmware limit", () => {
    const r = sriovVfCountRule.run(buildAuditContext(makeInventory({ vfs: 8 }), { wantedVfs: { [PF]: 8 } }));
    expect(r.status).toBe("pass");
    expect(r.evidence[0]).toBe(`/sys/bus/pci/devices/${PF} (enp134s0f0, mlx5_core): sriov_numvfs=8 sriov_totalvfs=16 wanted=8`);
  });
  it("fails above the firmware limit with the Mellanox mstconfig command", () => {
    const r = sriovVfCountRule.run(buildAuditContext(makeInventory({ vfs: 8 }), { wantedVfs: { [PF]: 32 } }));
    expect(r.status).toBe("fail");
    expect(r.remediation).toContain(`mstconfig -d ${PF} set SRIOV_EN=1 NUM_OF_VFS=32`);
  });
  it("fails when fewer VFs exist than wanted, with the sysfs writes", () => {
    const r = sriovVfCountRule.run(buildAuditContext(makeInventory({ vfs: 8 }), { wantedVfs: { [PF]: 16 } }));
    expect(r.status).toBe("fail");
    expect(r.remediation).toBe(`echo 0 > /sys/bus/pci/devices/${PF}/sriov_numvfs && echo 16 > /sys/bus/pci/devices/${PF}/sriov_numvfs`);
  });
  it("warns when the firmware allows no VFs (ConnectX default, seed 000)", () => {
    const inv = makeInventory({ vfs: 0 });
    inv.devices.find((d) => d.sriov)!.sriov!.totalVfs = 0;
    const r = sriovVfCountRule.run(buildAuditContext(inv));
    expect(r.status).toBe("warn");
    expect(r.remediation).toContain("NUM_OF_VFS=16");
  });
  it("fails for a wanted PF that is not on the host", () => {
    expect(sriovVfCountRule.run(buildAuditContext(makeInventory(), { wantedVfs: { "0000:99:00.0": 4 } })).status).toBe("fail");
  });
});
