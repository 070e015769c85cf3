import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { guestWithVfs, makeInventory } from "../testing/make-inventory.ts";
import { guestInterruptVectorsRule } from "./guest-interrupt-vectors.ts";

const run = (vfs: number, vcpus: number) => {
  const inv = makeInventory({ vfs });
  return guestInterruptVectorsRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, vfs, { vcpus }) }));
};

describe("guest.interrupt-vectors", () => {
  it("is not applicable without a guest", () => expect(guestInterruptVectorsRule.run(buildAuditContext(makeInventory())).status).toBe("not-applicable"));
  it("passes 16 VFs on 1 vCPU (16 x 5 = 80 <= 200)", () => expect(run(16, 1).status).toBe("pass"));
  it("fails 48 VFs on 1 vCPU in numbers, and says how many vCPUs to set", () => {
    const r = run(48, 1);
    expect(r.status).toBe("fail");
    expect(r.evidence).toContain("each asks min(table size, 1 vCPUs + 4 control) = up to 5: 240 vectors needed");
    expect(r.evidence).toContain("1 vCPU(s) x 200 usable x86 vectors per CPU = 200 available");
    expect(r.evidence.at(-1)).toMatch(/^240 vectors needed > 200 available/);
    expect(r.remediation).toMatch(/^<vcpu placement='static'>2<\/vcpu>/);
  });
});
