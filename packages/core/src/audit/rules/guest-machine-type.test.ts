import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { guestWithVfs, makeInventory } from "../testing/make-inventory.ts";
import { guestMachineTypeRule } from "./guest-machine-type.ts";

const run = (vfs: number, machine: string | null, planned: string[] = []) => {
  const inv = makeInventory({ vfs });
  return guestMachineTypeRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, vfs, { machine }), plannedDevices: planned }));
};

describe("guest.machine-type", () => {
  it("passes q35 with many devices (libvirt adds root ports)", () => expect(run(100, "pc-q35-7.2").status).toBe("pass"));
  it("passes i440fx with few devices, warns beyond its 32-slot bus", () => {
    expect(run(8, "pc-i440fx-bionic").status).toBe("pass");
    const r = run(40, "pc-i440fx-bionic");
    expect(r.status).toBe("warn");
    expect(r.remediation).toMatch(/machine='q35'/);
  });
  it("fails past ~256 devices per guest", () => {
    const extra = Array.from({ length: 60 }, (_, i) => `0000:d0:${(i >> 3).toString(16).padStart(2, "0")}.${i & 7}`);
    const r = run(200, "pc-q35-7.2", extra);
    expect(r.status).toBe("fail");
    expect(r.evidence[1]).toBe("260 devices > ~256, the practical ceiling per guest (multifunction root ports)");
  });
});
