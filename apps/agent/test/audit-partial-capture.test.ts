import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SCAN_SOURCES, scanHost } from "../src/scan/index.ts";
import { runAudit } from "./audit-run-cli.ts";
import { removeTrees, simTree } from "./jobs-sim-tree.ts";

/**
 * Audits of incomplete data: a host copy lacking /proc, /etc, /sys/module or
 * /sys/kernel/iommu_groups (an sosreport-style capture, a container with partial mounts). The
 * simulated GPU workstation has its GPUs on vfio-pci and the IOMMU on; each removed source must
 * turn what it feeds into "could not tell" naming it, never a pass or a fail, and devices that
 * still link to their IOMMU groups keep the IOMMU on.
 */
afterEach(removeTrees);

type Check = { id: string; status: string; evidence: string[] };
const audit = async (root: string) => {
  const r = await runAudit(["--root", root, "--json"]);
  expect(r.stderr).toBe("");
  const report = JSON.parse(r.stdout) as { checks: Check[]; summary: Record<string, number> };
  return { code: r.code, report, check: (id: string) => report.checks.find((c) => c.id === id)! };
};

describe("a capture without /proc, /etc, /sys/module and /sys/kernel/iommu_groups", () => {
  it("says what it could not tell and why, keeps the IOMMU on from the devices' group links, and still scans consistently", async () => {
    const root = await simTree("gpu-workstation");
    for (const dir of ["proc", "etc", "sys/module", "sys/kernel/iommu_groups"]) await rm(join(root, dir), { recursive: true, force: true });

    const inv = await scanHost(root);
    // Every source under a removed directory, and only those.
    expect(inv.host.unread).toEqual(SCAN_SOURCES.filter((s) => /^\/(proc|etc|sys\/module|sys\/kernel\/iommu_groups)(\/|$)/.test(s)));
    expect(inv.host.unread).toHaveLength(8);
    expect(inv.host.persistence).toBeUndefined();
    expect(inv.host.iommu.enabled).toBe(true);
    expect(inv.iommuGroups.find((g) => g.devices.includes("0000:01:00.0"))!.devices).toEqual([
      "0000:00:01.0",
      "0000:01:00.0",
      "0000:01:00.1",
    ]);
    // Consistent as the control plane checks it: each device's group lists it.
    for (const d of inv.devices)
      if (d.iommuGroup !== null) expect(inv.iommuGroups.find((g) => g.id === d.iommuGroup)?.devices, d.address).toContain(d.address);

    const { report, check } = await audit(root);
    expect(check("iommu.groups").status).toBe("pass");
    expect(check("iommu.groups").evidence[0]).toMatch(
      /^\/sys\/kernel\/iommu_groups: not read; \d+ group\(s\) named by the devices' iommu_group links$/,
    );
    expect(check("modules.vfio").status).toBe("pass");
    expect(check("modules.vfio").evidence[0]).toMatch(/^\/sys\/module: not readable; \d+ device\(s\) are driven by vfio-pci/);
    for (const id of ["persistence.vf-count", "persistence.vfio-binding", "kernel.iommu-pt"]) {
      const c = check(id);
      if (c.status === "not-applicable") continue; // e.g. no PF with VFs on this host
      expect(c.status, id).toBe("unknown");
      expect(c.evidence[0], id).toMatch(
        /^could not tell: (\/(etc|proc\/cmdline) was not read|the guests' definitions \(\/etc\/libvirt\/qemu\) were not read)/,
      );
    }
    expect(check("kernel.iommu-pt").status).toBe("unknown");
    expect(report.summary.unknown).toBe(report.checks.filter((c) => c.status === "unknown").length);
    expect(report.summary.unknown).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it("on a host with the IOMMU off, iommu=pt is not applicable instead of describing translation that does not happen", async () => {
    const root = await simTree("gpu-workstation");
    // The IOMMU off, as the kernel shows it: /sys/kernel/iommu_groups empty, no device links to a group.
    await rm(join(root, "sys/kernel/iommu_groups"), { recursive: true, force: true });
    await mkdir(join(root, "sys/kernel/iommu_groups"));
    for (const d of (await scanHost(root)).devices) await rm(join(root, "sys/bus/pci/devices", d.address, "iommu_group"), { force: true });
    const { check } = await audit(root);
    expect(check("iommu.groups").status).toBe("fail");
    const pt = check("kernel.iommu-pt");
    expect(pt.status).toBe("not-applicable");
    expect(pt.evidence.join(" ")).not.toContain("DMA goes through IOMMU translation");
  }, 60_000);
});
