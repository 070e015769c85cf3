import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { guestWithVfs, makeInventory } from "../testing/make-inventory.ts";
import { pfCarrierRule } from "./pf-carrier.ts";

describe("sriov.pf-carrier", () => {
  it("passes with link on the PF of the guest's VFs", () => {
    const inv = makeInventory();
    const r = pfCarrierRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, 2) }));
    expect(r.status).toBe("pass");
    expect(r.evidence).toEqual(["/sys/class/net/enp134s0f0/carrier (0000:86:00.0): 1"]);
  });
  it("warns without carrier", () => {
    const inv = makeInventory();
    inv.interfaces.find((i) => i.name === "enp134s0f0")!.carrier = false;
    const r = pfCarrierRule.run(buildAuditContext(inv));
    expect(r.status).toBe("warn");
    expect(r.remediation).toMatch(/^ip link set dev enp134s0f0 up/);
  });
});
