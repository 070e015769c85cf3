import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { auditHost, type AuditReport } from "@vfleet/core";
import { Inventory } from "@vfleet/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { scanHost } from "../src/scan/index.ts";
import { removeTrees, simTree } from "./jobs-sim-tree.ts";
import { captureWithout, quotesOfUnread } from "./partial-capture-tree.ts";

/**
 * Captures of real servers lack some of /proc, /sys/module, /sys/kernel, /sys/class: each case
 * below is a simulated host's tree missing exactly the directories its description names. No rule
 * may read an absent file as "no", and evidence may only quote what was read.
 */
afterEach(removeTrees);

const scanAndAudit = async (root: string) => {
  const inventory = await scanHost(root);
  expect(() => Inventory.parse(inventory)).not.toThrow();
  const report = auditHost(inventory);
  const check = (id: string) => report.checks.find((c) => c.id === id)!;
  return { inventory, report, check };
};
const allEvidence = (report: AuditReport) => report.checks.flatMap((c) => c.evidence).join("\n");

describe("interrupt remapping with /proc/interrupts and /sys/module not captured", () => {
  it("says could not tell, with the hardware's ecap as evidence and no 'module not loaded'", async () => {
    const root = await captureWithout("gpu-workstation", ["proc/interrupts", "sys/module"]);
    const { inventory, report, check } = await scanAndAudit(root);
    expect(inventory.host.unread).toEqual(expect.arrayContaining(["/proc/interrupts", "/sys/module"]));
    expect(inventory.host.iommu.ecap).toEqual([
      { unit: "dmar0", ecap: "f020df" },
      { unit: "dmar1", ecap: "f020df" },
    ]);
    const ir = check("kernel.interrupt-remapping");
    expect(ir.status).toBe("unknown");
    expect(ir.evidence).toContain("/proc/interrupts: not read");
    expect(ir.evidence).toContain(
      "/sys/devices/virtual/iommu/{dmar0,dmar1}/intel-iommu/ecap: f020df (bit 3 set: the hardware offers interrupt remapping)",
    );
    expect(ir.evidence.join("\n")).not.toMatch(/not loaded/);
    expect(quotesOfUnread(report.checks, ["/proc/interrupts", "/sys/module"])).toEqual([]);
  }, 60_000);

  it("on the DGX-2, the command line's allow_unsafe_interrupts=1 decides (a warning either way), and says so", async () => {
    const root = await captureWithout("dgx2", ["proc/interrupts", "sys/module"]);
    const ir = (await scanAndAudit(root)).check("kernel.interrupt-remapping");
    expect(ir.status).toBe("warn");
    expect(ir.evidence).toContain("/proc/cmdline: vfio_iommu_type1.allow_unsafe_interrupts=1");
  }, 60_000);

  it("uses what is there: a unit's ecap without bit 3 says remapping is off when /proc/interrupts is missing", async () => {
    const root = await captureWithout("gpu-workstation", ["proc/interrupts"]);
    await writeFile(join(root, "sys/devices/virtual/iommu/dmar1/intel-iommu/ecap"), "f020d7\n");
    const ir = (await scanAndAudit(root)).check("kernel.interrupt-remapping");
    expect(ir.evidence).toContain("interrupt remapping is not in use: dmar1 cannot remap interrupts (told by ecap)");
    expect(ir.status).not.toBe("pass");
  }, 60_000);

  it("uses what is there: IR- chips in /proc/interrupts say it is in use when /sys/module is missing", async () => {
    const ir = (await scanAndAudit(await captureWithout("dgx2", ["sys/module"]))).check("kernel.interrupt-remapping");
    expect(ir.evidence).toContain("/proc/interrupts: IR- (remapped) interrupt chips: interrupt remapping is in use");
    expect(ir.evidence.at(-1)).toBe("allow_unsafe_interrupts is on although remapping works: it only lowers protection");
    expect(ir.status).toBe("warn");
  }, 60_000);
});

describe("intel_iommu=on iommu=pt and IR- chips, captured without /sys/kernel", () => {
  it("is never scanned or audited as 'IOMMU off': its units say on, iommu=pt and remapping are judged", async () => {
    const full = await scanAndAudit(await simTree("dgx2"));
    const root = await captureWithout("dgx2", ["sys/kernel"], { dropLinksInto: true });
    const { inventory, report, check } = await scanAndAudit(root);
    expect(inventory.host.kernelCmdline).toMatch(/intel_iommu=on .*iommu=pt/);
    expect(inventory.host.iommu.groups).toBe(0);
    expect(inventory.host.unread).toContain("/sys/kernel/iommu_groups");
    expect(inventory.host.iommu.enabled).toBe(true);
    expect(check("iommu.groups").status).toBe("pass");
    expect(check("iommu.groups").evidence[0]).toBe(
      "/sys/kernel/iommu_groups: not read; the IOMMU is on: the kernel registered its units (/sys/class/iommu: dmar0, dmar1, dmar2, dmar3, dmar4, dmar5, dmar6, dmar7)",
    );
    for (const id of ["kernel.iommu-enable", "kernel.iommu-pt", "kernel.interrupt-remapping"])
      expect(check(id).status, id).toBe(full.check(id).status);
    expect(check("kernel.iommu-pt").status).toBe("pass");
    expect(allEvidence(report)).not.toMatch(/IOMMU is off/);
    expect(quotesOfUnread(report.checks, ["/sys/kernel"])).toEqual([]);
  }, 60_000);

  it("with no unit to see either, the command line and the IR- chips say on", async () => {
    const root = await captureWithout("dgx2", ["sys/kernel", "sys/class", "sys/devices/virtual/iommu"], { dropLinksInto: true });
    const { inventory, report, check } = await scanAndAudit(root);
    expect(inventory.host.iommu.units).toEqual([]);
    expect(check("iommu.groups").status).toBe("pass");
    expect(check("iommu.groups").evidence[0]).toBe(
      "/sys/kernel/iommu_groups: not read; the IOMMU is on: /proc/cmdline has intel_iommu=on and /proc/interrupts shows IR- (remapped) interrupt chips",
    );
    expect(check("kernel.iommu-pt").status).toBe("pass");
    expect(allEvidence(report)).not.toMatch(/IOMMU is off/);
  }, 60_000);
});

describe("reasons only cite what the report shows", () => {
  it("where iommu.groups could not tell, nothing is 'not applicable: the IOMMU is off'", async () => {
    const missing = ["sys/kernel", "sys/class", "sys/devices/virtual/iommu", "proc/interrupts"];
    const { inventory, report, check } = await scanAndAudit(await captureWithout("gpu-workstation", missing, { dropLinksInto: true }));
    expect(inventory.host.iommu.enabled).toBe(false);
    expect(check("iommu.groups").status).toBe("unknown");
    for (const id of ["kernel.iommu-pt", "kernel.interrupt-remapping", "groups.acs-isolation", "groups.viability"])
      expect(check(id).status, id).toBe("unknown");
    expect(allEvidence(report)).not.toMatch(/IOMMU is off|see iommu\.groups/);
    expect(quotesOfUnread(report.checks, ["/sys/kernel", "/sys/class", "/sys/devices/virtual/iommu", "/proc/interrupts"])).toEqual([]);
  }, 60_000);
});

describe("a capture without /sys/class", () => {
  it("finds the IOMMU units under /sys/devices/virtual/iommu and the netdevs under their devices, and audits as the full tree", async () => {
    const full = await scanAndAudit(await simTree("gpu-workstation"));
    const { inventory, report, check } = await scanAndAudit(await captureWithout("gpu-workstation", ["sys/class"]));
    expect(inventory.host.unread).toEqual(expect.arrayContaining(["/sys/class/iommu", "/sys/class/net"]));
    expect(inventory.host.iommu.units).toEqual(["dmar0", "dmar1"]);
    expect(inventory.interfaces).toEqual(full.inventory.interfaces);
    expect(check("iommu.groups").evidence).toContain(
      "IOMMU units under /sys/devices (/sys/devices/virtual/iommu and the devices' iommu links; /sys/class/iommu was not read): dmar0, dmar1",
    );
    expect(report.checks.map((c) => [c.id, c.status])).toEqual(full.report.checks.map((c) => [c.id, c.status]));
    expect(quotesOfUnread(report.checks, ["/sys/class"])).toEqual([]);
  }, 60_000);
});
