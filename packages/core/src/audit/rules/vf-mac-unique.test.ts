import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { makeInventory } from "../testing/make-inventory.ts";
import { vfMacUniqueRule } from "./vf-mac-unique.ts";

describe("sriov.mac-unique", () => {
  it("passes distinct MACs, also against the fleet", () => {
    const fleetMacs = new Map([
      ["02:00:00:00:00:01", ["hv1"]],
      ["02:00:00:00:00:99", ["hv2"]],
    ]);
    expect(vfMacUniqueRule.run(buildAuditContext(makeInventory(), { fleetMacs })).status).toBe("pass");
  });
  it("fails a MAC used twice on the host", () => {
    const inv = makeInventory();
    inv.devices.find((d) => d.sriov)!.sriov!.vfConfigs[1]!.mac = "02:00:00:00:00:01";
    const r = vfMacUniqueRule.run(buildAuditContext(inv));
    expect(r.status).toBe("fail");
    expect(r.evidence[1]).toMatch(/^02:00:00:00:00:01 is on 2 VFs of this host/);
  });
  it("fails a MAC another host's VF carries", () => {
    const fleetMacs = new Map([["02:00:00:00:00:02", ["hv1", "hv7"]]]);
    const r = vfMacUniqueRule.run(buildAuditContext(makeInventory(), { fleetMacs }));
    expect(r.status).toBe("fail");
    expect(r.evidence[1]).toMatch(/also used on host hv7$/);
  });
});
