import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { guestWithVfs, makeInventory } from "../testing/make-inventory.ts";
import { guestInterruptVectorsRule } from "./guest-interrupt-vectors.ts";

const run = (vfs: number, vcpus: number) => {
  const inv = makeInventory({ vfs });
  return guestInterruptVectorsRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, vfs, { vcpus }) }));
};

describe("guest.interrupt-vectors", () => {
  it("is not applicable without a guest", () =>
    expect(guestInterruptVectorsRule.run(buildAuditContext(makeInventory())).status).toBe("not-applicable"));
  it("passes 8 VFs on 1 vCPU with headroom (8 x 5 = 40 <= 200 - 150)", () => expect(run(8, 1).status).toBe("pass"));
  it("warns at 16 VFs on 1 vCPU: it fits the model (80 <= 200) but seed 000 ran out after about a dozen", () => {
    const r = run(16, 1);
    expect(r.status).toBe("warn");
    expect(r.evidence.at(-1)).toMatch(/^80 of 200 vectors: less than 150 left/);
    expect(r.remediation).toMatch(/^<vcpu placement='static'>2<\/vcpu>/);
  });
  it("fails 48 VFs on 1 vCPU in numbers, and says how many vCPUs to set", () => {
    const r = run(48, 1);
    expect(r.status).toBe("fail");
    expect(r.evidence).toContain("each asks min(table size, 1 vCPUs + 4 control) = up to 5: 240 vectors needed");
    expect(r.evidence).toContain("1 vCPU(s) x 200 usable x86 vectors per CPU = 200 available");
    expect(r.evidence.at(-1)).toMatch(/^240 vectors needed > 200 available/);
    expect(r.remediation).toMatch(/^<vcpu placement='static'>2<\/vcpu>/);
  });
});
