import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { makeGuest, makeInventory } from "../testing/make-inventory.ts";
import { vfVlanRule } from "./vf-vlan.ts";

function plan(state: "running" | "shut off", pfVlan: number | null, address?: string) {
  const inv = makeInventory();
  const pf = inv.devices.find((d) => d.sriov)!;
  pf.sriov!.vfConfigs[0]!.vlan = pfVlan;
  const guest = makeGuest({
    state,
    hostdevs: [{ kind: "interface", address: address ?? pf.sriov!.vfs[0]!, managed: true, mac: null, vlan: 42 }],
  });
  return vfVlanRule.run(buildAuditContext(inv, { guest }));
}

describe("sriov.vlan", () => {
  it("passes when the PF reports the planned VLAN", () => expect(plan("running", 42).status).toBe("pass"));
  it("passes a stopped guest: libvirt sets the VLAN at start", () => expect(plan("shut off", null).status).toBe("pass"));
  it("fails a running guest whose VF carries another VLAN", () => {
    const r = plan("running", 7);
    expect(r.status).toBe("fail");
    expect(r.remediation).toBe("ip link set dev enp134s0f0 vf 0 vlan 42");
  });
  it("fails a VLAN planned on a device that is not a VF", () => expect(plan("shut off", null, "0000:01:00.0").status).toBe("fail"));
});
