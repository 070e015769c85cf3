import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { guestWithVfs, makeInventory } from "../testing/make-inventory.ts";
import { persistVfioBindingRule } from "./persist-vfio-binding.ts";

function unmanaged(ids: string[]) {
  const inv = makeInventory();
  if (ids.length > 0) inv.host.persistence!.vfioPciIds = [{ source: "/etc/modprobe.d/vfio.conf:1", ids }];
  const guest = guestWithVfs(inv, 2);
  for (const h of guest.hostdevs) h.managed = false;
  return persistVfioBindingRule.run(buildAuditContext(inv, { guest }));
}

describe("persistence.vfio-binding", () => {
  it("passes managed devices (libvirt binds them at each start)", () => {
    const inv = makeInventory();
    expect(persistVfioBindingRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, 2) })).status).toBe("pass");
  });
  it("passes unmanaged devices whose id modprobe.d gives to vfio-pci", () => expect(unmanaged(["15b3:1018"]).status).toBe("pass"));
  it("fails unmanaged devices nothing binds at boot, with the modprobe.d line", () => {
    const r = unmanaged([]);
    expect(r.status).toBe("fail");
    expect(r.remediation).toContain("options vfio-pci ids=15b3:1018");
  });
});
