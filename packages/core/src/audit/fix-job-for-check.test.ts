import { describe, expect, it } from "vitest";
import { makeGuest, makeInventory } from "./testing/make-inventory.ts";
import { fixJobForCheck } from "./fix-job-for-check.ts";

describe("fixJobForCheck", () => {
  it("persists every PF's current VF count, keeps vfleet's own vfio ids and adds unmanaged guest devices'", () => {
    const inv = makeInventory({ vfs: 4 });
    inv.host.persistence!.vfioPciIds = [
      { source: "/etc/modprobe.d/vfleet-vfio.conf", ids: ["10de:1381"] },
      { source: "/etc/modprobe.d/other.conf", ids: ["1002:6611"] },
    ];
    const vf = inv.devices.find((d) => d.physfn)!;
    inv.guests.push(makeGuest({ hostdevs: [{ kind: "hostdev", address: vf.address, managed: false, mac: null, vlan: null }] }));
    expect(fixJobForCheck("persistence.vfio-binding", inv)).toEqual({
      kind: "host.persist",
      fields: { vfCounts: "enp134s0f0=4", vfioIds: "10de:1381\n15b3:1018", method: "sysfsd" },
    });
    expect(fixJobForCheck("persistence.vf-count", inv)?.fields.vfCounts).toBe("enp134s0f0=4");
  });

  it("offers no job where none does the fix, or where /etc was not read", () => {
    const inv = makeInventory();
    expect(fixJobForCheck("kernel.iommu-enable", inv)).toBeNull();
    delete inv.host.persistence;
    expect(fixJobForCheck("persistence.vf-count", inv)).toBeNull();
  });
});
