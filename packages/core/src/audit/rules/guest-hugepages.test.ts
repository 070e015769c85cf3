import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { guestWithVfs, makeInventory } from "../testing/make-inventory.ts";
import { guestHugepagesRule } from "./guest-hugepages.ts";

const run = (hugepages: boolean, free: number) => {
  const inv = makeInventory({ host: { hugepages: { total: free, free, sizeKiB: 2048 } } });
  return guestHugepagesRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, 2, { hugepages, memoryKiB: 8 * 1024 * 1024 }) }));
};

describe("guest.hugepages", () => {
  it("passes a hugepage guest the host has pages for", () => expect(run(true, 4096).status).toBe("pass"));
  it("fails a hugepage guest without enough free pages, with the count to reserve", () => {
    const r = run(true, 100);
    expect(r.status).toBe("fail");
    expect(r.remediation).toMatch(/^echo 4096 > \/sys\/kernel\/mm\/hugepages\/hugepages-2048kB\/nr_hugepages/);
  });
  it("warns a guest without hugepages", () => expect(run(false, 0).status).toBe("warn"));
});
