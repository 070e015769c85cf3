import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { guestWithVfs, makeInventory } from "../testing/make-inventory.ts";
import { guestMemoryRule } from "./guest-memory.ts";

const run = (vfs: number, memoryKiB: number) => {
  const inv = makeInventory({ vfs });
  return guestMemoryRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, vfs, { memoryKiB }) }));
};

describe("guest.memory", () => {
  it("passes 16 VFs in 1 GiB", () => expect(run(16, 1024 * 1024).status).toBe("pass"));
  it("fails 32 VFs in 512 MiB, in numbers, with the XML to set", () => {
    const r = run(32, 512 * 1024);
    expect(r.status).toBe("fail");
    expect(r.evidence[1]).toBe("needed: 256 MiB guest OS + 32 function(s) x 10 MiB driver memory = 576 MiB");
    expect(r.evidence[2]).toMatch(/^512 MiB given < 576 MiB needed/);
    expect(r.remediation).toMatch(/^<memory unit='KiB'>1048576<\/memory>/);
  });
});
