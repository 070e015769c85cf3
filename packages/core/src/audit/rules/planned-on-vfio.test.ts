import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { guestWithVfs, makeInventory } from "../testing/make-inventory.ts";
import { plannedOnVfioRule } from "./planned-on-vfio.ts";

describe("drivers.guest-devices-on-vfio", () => {
  it("is not applicable with nothing planned or assigned", () => {
    expect(plannedOnVfioRule.run(buildAuditContext(makeInventory())).status).toBe("not-applicable");
  });
  it("passes for VFs on vfio-pci and for managed ones still on the host driver", () => {
    const inv = makeInventory();
    inv.devices.find((d) => d.physfn && d.vfIndex === 0)!.driver = "mlx5_core";
    const r = plannedOnVfioRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, 4) }));
    expect(r.status).toBe("pass");
    expect(r.evidence[0]).toBe("4 device(s) for guests, /sys/bus/pci/devices/*/driver: 1 on mlx5_core, 3 on vfio-pci");
  });
  it("fails a device another guest on the host already holds", () => {
    const inv = makeInventory();
    inv.guests.push(guestWithVfs(inv, 1, { name: "other" }));
    const r = plannedOnVfioRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, 2) }));
    expect(r.status).toBe("fail");
    expect(r.evidence.at(-1)).toMatch(/: already assigned to guest other/);
    // Every device is managed='yes' already: the fix must not tell the operator to set it.
    expect(r.remediation).toMatch(/virsh detach-device other/);
    expect(r.remediation).not.toContain("managed='yes'");
    // The guest itself, re-planned under its own name, is no conflict.
    expect(plannedOnVfioRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, 2, { name: "other" }) })).status).toBe("pass");
  });

  it("fails for an unmanaged device on a host driver and for an address the host lacks", () => {
    const inv = makeInventory();
    const vf = inv.devices.find((d) => d.physfn && d.vfIndex === 0)!;
    vf.driver = "mlx5_core";
    const guest = guestWithVfs(inv, 1);
    guest.hostdevs[0]!.managed = false;
    const r = plannedOnVfioRule.run(buildAuditContext(inv, { guest, plannedDevices: ["0000:d8:00.1"] }));
    expect(r.status).toBe("fail");
    expect(r.evidence).toContain(`${vf.address}: driver mlx5_core, hostdev managed='no' so libvirt will not detach it`);
    expect(r.evidence).toContain("0000:d8:00.1: no such device under /sys/bus/pci/devices (named by guest vm1)");
    expect(r.remediation).toContain(`virsh nodedev-detach pci_${vf.address.replace(/[:.]/g, "_")}`);
    expect(r.remediation).toContain("(or set managed='yes' on the <hostdev>)");
  });
});
