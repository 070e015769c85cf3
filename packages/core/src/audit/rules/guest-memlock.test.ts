import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { guestWithVfs, makeInventory } from "../testing/make-inventory.ts";
import { guestMemlockRule } from "./guest-memlock.ts";

const GiB = 1024 * 1024;
const run = (memoryHardLimitKiB: number | null, memoryKiB = 8 * GiB) => {
  const inv = makeInventory();
  return guestMemlockRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, 2, { memoryKiB, memoryHardLimitKiB }) }));
};

describe("guest.memlock", () => {
  it("passes without hard_limit (libvirt adds 1 GiB) and with one that covers memory + I/O", () => {
    expect(run(null).status).toBe("pass");
    expect(run(10 * GiB).status).toBe("pass");
  });
  it("fails a hard_limit below memory + I/O space", () => {
    const r = run(8 * GiB);
    expect(r.status).toBe("fail");
    expect(r.remediation).toBe(
      `<memtune><hard_limit unit='KiB'>${9 * GiB}</hard_limit></memtune>   # or remove hard_limit and let libvirt compute it`,
    );
  });
  it("fails a guest larger than the host (pinned memory cannot overcommit)", () => expect(run(null, 512 * GiB).status).toBe("fail"));
});
