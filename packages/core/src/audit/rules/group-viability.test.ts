import { describe, expect, it } from "vitest";
import type { Inventory } from "@vfleet/protocol";
import { buildAuditContext } from "../build-audit-context.ts";
import { guestWithVfs, makeDevice, makeGuest, makeInventory } from "../testing/make-inventory.ts";
import { groupViabilityRule } from "./group-viability.ts";

/** Seed 004's group 1: processor root port 00:01.0 + GTX 750 (01:00.0) + its audio (01:00.1). */
function seed004(gpuAudioDriver: string | null, extra?: string): Inventory {
  const inv = makeInventory({ vfs: 0 });
  inv.devices.push(
    makeDevice("0000:00:01.0", { vendorId: "8086", deviceId: "0151", classCode: "060400", driver: "pcieport", iommuGroup: 1 }),
    makeDevice("0000:01:00.0", { vendorId: "10de", deviceId: "1381", classCode: "030000", driver: "vfio-pci", iommuGroup: 1 }),
    makeDevice("0000:01:00.1", { vendorId: "10de", deviceId: "0fbc", classCode: "040300", driver: gpuAudioDriver, iommuGroup: 1 }),
  );
  const members = ["0000:00:01.0", "0000:01:00.0", "0000:01:00.1"];
  if (extra) {
    inv.devices.push(makeDevice(extra, { driver: "xhci_hcd", classCode: "0c0330", iommuGroup: 1 }));
    members.push(extra);
  }
  inv.iommuGroups = inv.iommuGroups.filter((g) => g.id !== 1).concat({ id: 1, devices: members });
  return inv;
}
const gpu = makeGuest({ name: "win", hostdevs: [{ kind: "hostdev", address: "0000:01:00.0", managed: true, mac: null, vlan: null }] });

describe("groups.viability", () => {
  it("passes VFs in their own groups", () => {
    const inv = makeInventory();
    expect(groupViabilityRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, 4) })).status).toBe("pass");
  });
  it("passes seed 004's GPU group (root port excepted, audio on vfio-pci) and names the missing ACS", () => {
    const r = groupViabilityRule.run(buildAuditContext(seed004("vfio-pci"), { guest: gpu }));
    expect(r.status).toBe("pass");
    expect(r.evidence[1]).toBe("group 1: bridge/root port 0000:00:01.0 without ACS isolation shares it with 0000:01:00.0, 0000:01:00.1");
  });
  it("fails when the GPU's audio function stays on snd_hda_intel", () => {
    const r = groupViabilityRule.run(buildAuditContext(seed004("snd_hda_intel"), { guest: gpu }));
    expect(r.status).toBe("fail");
    expect(r.evidence).toContain(
      "group 1 is not viable: 0000:01:00.1 (10de:0fbc) is on host driver snd_hda_intel (/sys/kernel/iommu_groups/1/devices)",
    );
    expect(r.remediation).toContain("virsh nodedev-detach pci_0000_01_00_1");
  });
  it("fails for a group shared with another slot's endpoint for lack of ACS, saying so", () => {
    const r = groupViabilityRule.run(buildAuditContext(seed004("vfio-pci", "0000:03:00.0"), { guest: gpu }));
    expect(r.status).toBe("fail");
    expect(r.evidence.join("\n")).toMatch(/endpoints of 2 different slots .*\(missing ACS\)/);
    expect(r.remediation).toMatch(/missing ACS/);
  });
  it("fails when another guest holds a device of the group", () => {
    const inv = seed004("vfio-pci");
    inv.guests.push(
      makeGuest({ name: "other", hostdevs: [{ kind: "hostdev", address: "0000:01:00.1", managed: true, mac: null, vlan: null }] }),
    );
    const r = groupViabilityRule.run(buildAuditContext(inv, { guest: gpu }));
    expect(r.status).toBe("fail");
    expect(r.evidence).toContain("group 1 is not viable for win: 0000:01:00.1 is assigned to other");
  });
});
