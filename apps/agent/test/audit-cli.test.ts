import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runAudit } from "./audit-run-cli.ts";

interface Check {
  id: string;
  status: string;
  evidence: string[];
  remediation: string | null;
}

describe("agent audit on this machine's real /", () => {
  it("says, with evidence, that the IOMMU is off and exits 1", async () => {
    const { code, stdout, stderr } = await runAudit(["--root", "/", "--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { host: string; checks: Check[]; summary: Record<string, number> };
    const iommu = report.checks.find((c) => c.id === "iommu.groups")!;
    expect(iommu.status).toBe("fail");
    expect(iommu.evidence).toContain("/sys/kernel/iommu_groups: 0 group(s)");
    expect(iommu.remediation).toMatch(/BIOS\/UEFI/);
    expect(report.summary.fail).toBe(report.checks.filter((c) => c.status === "fail").length);
    expect(Object.keys(report.summary).sort()).toEqual(["fail", "not-applicable", "pass", "unknown", "warn"]);
  }, 60_000);

  it("prints a layered text report by default", async () => {
    const { code, stdout } = await runAudit(["--root", "/"]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/== Firmware \/ BIOS and IOMMU\n\[FAIL\] IOMMU on \(groups present\)/);
    expect(stdout.indexOf("== Kernel arguments")).toBeGreaterThan(stdout.indexOf("== Firmware"));
    expect(stdout.indexOf("== Guest sizing")).toBeGreaterThan(stdout.indexOf("== Persistence"));
  }, 60_000);
});

describe("agent audit usage errors exit 2 naming the flag", () => {
  it("an unreadable --guest file", async () => {
    const r = await runAudit(["--root", "/", "--guest", "/nonexistent/guest.xml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^agent audit: --guest \/nonexistent\/guest.xml: cannot read the domain XML \(ENOENT\)/);
  }, 60_000);
  it("a --guest file that is not a domain XML", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "vfleet-audit-"));
    const file = path.join(dir, "net.xml");
    await writeFile(file, "<network><name>x</name></network>");
    const r = await runAudit(["--guest", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--guest ${file}: domain XML has no <domain> root element`);
  }, 60_000);
  it("a missing --root and an unknown flag", async () => {
    const missing = await runAudit(["--root", "/nonexistent-root"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--root /nonexistent-root: cannot read it (ENOENT)");
    const unknown = await runAudit(["--frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--frobnicate/);
  }, 60_000);
});
