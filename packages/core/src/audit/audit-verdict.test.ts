import { describe, expect, it } from "vitest";
import { auditHost } from "./audit-host.ts";
import { auditVerdict } from "./audit-verdict.ts";
import { guestWithVfs, makeInventory } from "./testing/make-inventory.ts";

describe("auditVerdict", () => {
  it("names the guest and its failing checks first, in one line", () => {
    const inv = makeInventory({ vfs: 16 });
    const guest = guestWithVfs(inv, 16, { name: "tiny", vcpus: 1, memoryKiB: 256 * 1024 });
    const v = auditVerdict(auditHost(inv, { guest }));
    expect(v.status).toBe("fail");
    expect(v.line).toMatch(/^Guest tiny on hv1: will not work as planned — \d+ checks? fails?: /);
  });
  it("says a host is ready when every applicable check passes, and blocks on a host-level failure", () => {
    const host = auditHost(makeInventory({ vfs: 2 }));
    const ready = {
      ...host,
      checks: host.checks.map((c) => ({ ...c, status: c.status === "not-applicable" ? c.status : ("pass" as const) })),
    };
    ready.summary = { ...host.summary, pass: ready.checks.filter((c) => c.status === "pass").length, warn: 0, fail: 0 };
    expect(auditVerdict(ready)).toEqual({ status: "pass", line: `Host hv1: ready — all ${ready.summary.pass} applicable checks pass` });
    expect(auditVerdict(host).line).toMatch(/^Host hv1: not ready — 1 check fails: VF counts persist across reboot/);
    const off = makeInventory({
      vfs: 2,
      host: {
        kernelCmdline: "BOOT_IMAGE=/vmlinuz",
        iommu: { enabled: false, groups: 0, units: [], interruptRemapping: null, allowUnsafeInterrupts: null },
      },
    });
    const blocked = auditVerdict(auditHost(off, { guest: guestWithVfs(off, 1, { name: "g" }) }));
    expect(blocked.status).toBe("fail");
    expect(blocked.line).toMatch(/^Guest g on hv1: will not work/);
  });
});
