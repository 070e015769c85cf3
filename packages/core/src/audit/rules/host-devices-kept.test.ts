import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { makeGuest, makeInventory } from "../testing/make-inventory.ts";
import { hostDevicesKeptRule } from "./host-devices-kept.ts";

describe("drivers.host-devices-kept", () => {
  it("passes when the default-route NIC and the PF stay on the host", () => {
    const r = hostDevicesKeptRule.run(buildAuditContext(makeInventory()));
    expect(r.status).toBe("pass");
    expect(r.evidence[0]).toBe("0000:01:00.0 (igb) carries the default route (eno1, /proc/net/route)");
  });
  it("fails when the default-route NIC is planned for a guest", () => {
    const guest = makeGuest({ hostdevs: [{ kind: "hostdev", address: "0000:01:00.0", managed: true, mac: null, vlan: null }] });
    const r = hostDevicesKeptRule.run(buildAuditContext(makeInventory(), { guest }));
    expect(r.status).toBe("fail");
    expect(r.evidence).toContain("0000:01:00.0 is planned for a guest");
  });
  it("fails when modprobe.d hands the default-route NIC's id to vfio-pci at boot", () => {
    const inv = makeInventory();
    inv.host.persistence!.vfioPciIds = [{ source: "/etc/modprobe.d/vfio.conf:1", ids: ["8086:1533"] }];
    const r = hostDevicesKeptRule.run(buildAuditContext(inv));
    expect(r.status).toBe("fail");
    expect(r.evidence.at(-1)).toBe("0000:01:00.0 has id 8086:1533, which /etc/modprobe.d/vfio.conf:1 hands to vfio-pci at boot");
  });
});
