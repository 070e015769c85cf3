import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditReport, FleetHealth } from "@vfleet/core";
import { buildDgx2Inventory } from "../../../../test/build-dgx2-inventory.ts";
import { launchChromium } from "../../../../test/launch-chromium.ts";
import { startProductionServer, type ProductionServer } from "../../../../test/start-production-server.ts";
import { enrollHost } from "../../../../test/start-test-stack.ts";
import { connectReadyAgent, type TestAgent } from "../../../../test/test-agent.ts";

/**
 * The audit in the dashboard, end to end: real production server, real PostgreSQL, an agent
 * reporting a DGX-2 inventory over the gateway, the audit REST API (JSON, Markdown, a pasted
 * guest plan) and the pages in real Chromium (host audit, fleet audit, print layout).
 */
let server: ProductionServer;
let browser: Browser;
const agents: TestAgent[] = [];
let dgxId = "";
const RESULTS = fileURLToPath(new URL("../../../../test-results/", import.meta.url));

function vfPlanXml(vfs: string[], vcpus: number): string {
  const hostdevs = vfs.map((bdf) => {
    const [d, b, sf] = bdf.split(":");
    const [s, f] = sf!.split(".");
    return `<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x${d}' bus='0x${b}' slot='0x${s}' function='0x${f}'/></source></hostdev>`;
  });
  return `<domain type='kvm'><name>plan</name><memory unit='GiB'>8</memory><vcpu>${vcpus}</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os><devices>${hostdevs.join("")}</devices></domain>`;
}
/** Scripts read with an API token (a viewer sees everything these tests read). */
const auth = () => ({ authorization: `Bearer ${server.admin.token}` });
const allVfs = () =>
  buildDgx2Inventory()
    .devices.filter((d) => d.physfn)
    .map((d) => d.address);

beforeAll(async () => {
  browser = await launchChromium();
  server = await startProductionServer();
  const report = async (name: string, mutate: (inv: ReturnType<typeof buildDgx2Inventory>) => void = () => {}) => {
    const host = await enrollHost(server.admin, name);
    const { agent } = await connectReadyAgent(server.url.replace(/^http/, "ws") + "/agent", host.credential);
    agents.push(agent);
    const inv = buildDgx2Inventory({ hostname: name });
    mutate(inv);
    agent.snapshot(inv);
    expect((await agent.next("inventory.ack")).payload.stored).toBe(true);
    return host.hostId;
  };
  dgxId = await report("dgx2-01");
  // A second host whose IOMMU is off: the fleet view must rank it first.
  await report("dgx2-02", (inv) => {
    inv.host.kernelCmdline = "root=/dev/md0 ro";
    inv.host.iommu = { enabled: false, groups: 0, units: [], interruptRemapping: null, allowUnsafeInterrupts: null };
    inv.iommuGroups = [];
    for (const d of inv.devices) d.iommuGroup = null;
  });
});
afterAll(async () => {
  for (const a of agents) await a.close();
  await browser?.close();
  await server?.stop();
});

describe("audit REST API", () => {
  it("GET audits a host as JSON, with a guest from its inventory", async () => {
    const res = await fetch(`${server.url}/api/v1/audit/hosts/${dgxId}?guest=dgx-vm`, { headers: auth() });
    expect(res.status).toBe(200);
    const report = (await res.json()) as AuditReport;
    expect(report.host).toBe("dgx2-01");
    expect(report.guest).toBe("dgx-vm");
    expect(report.checks.find((c) => c.id === "iommu.groups")!.status).toBe("pass");
    expect(
      report.summary.pass + report.summary.warn + report.summary.fail + report.summary.unknown + report.summary["not-applicable"],
    ).toBe(report.checks.length);
  });

  it("exports Markdown", async () => {
    const res = await fetch(`${server.url}/api/v1/audit/hosts/${dgxId}?format=markdown`, { headers: auth() });
    expect(res.headers.get("content-type")).toMatch(/^text\/markdown/);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="audit-dgx2-01.md"');
    const md = await res.text();
    expect(md).toMatch(/^# Passthrough audit: dgx2-01\n[\s\S]*## Firmware \/ BIOS and IOMMU/);
    // The answer first, then when it was audited and from which scan: an export read next week says when it was true.
    expect(md.split("\n")[2]).toMatch(/^\*\*(PASS|WARN|FAIL|COULD NOT TELL): Host dgx2-01: /);
    expect(md.split("\n")[4]).toMatch(/^Audited \d{4}-\d\d-\d\dT[\d:.]+Z from the inventory scanned \d{4}-\d\d-\d\dT/);
  });

  it("POST audits a pasted plan: 160 VFs on 4 vCPUs fail the interrupt check in numbers", async () => {
    const res = await fetch(`${server.url}/api/v1/audit/hosts/${dgxId}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth() },
      body: JSON.stringify({ domainXml: vfPlanXml(allVfs(), 4) }),
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as AuditReport;
    const c = report.checks.find((x) => x.id === "guest.interrupt-vectors")!;
    expect(c.status).toBe("fail");
    expect(c.evidence).toContain("each asks min(table size, 4 vCPUs + 4 control) = up to 8: 1280 vectors needed");
  });

  it("rejects bad input naming the field", async () => {
    const bad = await fetch(`${server.url}/api/v1/audit/hosts/${dgxId}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth() },
      body: JSON.stringify({ domainXml: "<network/>" }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "domainXml: domain XML has no <domain> root element", field: "domainXml" });
    const fmt = await fetch(`${server.url}/api/v1/audit/hosts/${dgxId}?format=pdf`, { headers: auth() });
    expect(fmt.status).toBe(400);
    expect(((await fmt.json()) as { field: string }).field).toBe("format");
    const guest = await fetch(`${server.url}/api/v1/audit/hosts/${dgxId}?guest=nope`, { headers: auth() });
    expect(((await guest.json()) as { error: string }).error).toMatch(/^guest: no guest "nope" on host dgx2-01/);
    expect((await fetch(`${server.url}/api/v1/audit/hosts/no-such-host`, { headers: auth() })).status).toBe(404);
  });

  it("GET fleet ranks the IOMMU-less host first", async () => {
    const fleet = (await (await fetch(`${server.url}/api/v1/audit/fleet`, { headers: auth() })).json()) as FleetHealth;
    expect(fleet.hosts.map((h) => h.name)).toEqual(["dgx2-02", "dgx2-01"]);
    expect(fleet.checks.find((c) => c.id === "iommu.groups")!.failing).toEqual(["dgx2-02"]);
  });
});

describe("audit pages in Chromium", () => {
  it("host audit page shows layered checks, audits a pasted plan, and prints without the app chrome", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, extraHTTPHeaders: auth() });
    await page.goto(`${server.url}/hosts/${dgxId}/audit`);
    await page.getByTestId("audit-report").first().waitFor();
    expect(await page.locator('[data-testid="audit-check"][data-check-id="iommu.groups"]').getAttribute("data-status")).toBe("pass");
    expect(await page.getByTestId("audit-layer-firmware").isVisible()).toBe(true);
    expect(await page.getByTestId("audit-stamps").first().textContent()).toMatch(
      /^Audited \d{4}-\d\d-\d\d [\d:]+Z from the inventory scanned \d{4}-/,
    );

    // Pasting XML is the second way, folded under the plan-by-numbers form.
    await page.getByText("or paste a libvirt domain XML").click();
    await page.getByTestId("guest-plan-xml").fill(vfPlanXml(allVfs().slice(0, 80), 1));
    await page.getByTestId("guest-plan-submit").click();
    const planned = page.getByTestId("guest-plan-report");
    await planned.waitFor();
    // The pasted guest's verdict comes first, in one line, naming what fails.
    const verdict = planned.getByTestId("audit-verdict");
    expect(await verdict.getAttribute("data-status")).toBe("fail");
    expect(await verdict.textContent()).toMatch(/^Guest \S+ on dgx2-01: will not work as planned — \d+ checks? fails?: [^\n]*Interrupt/i);
    expect(await planned.locator('[data-check-id="guest.interrupt-vectors"]').getAttribute("data-status")).toBe("fail");
    expect(await planned.locator('[data-check-id="guest.interrupt-vectors"] [data-testid="audit-remediation"]').textContent()).toMatch(
      /^<vcpu placement='static'>\d+<\/vcpu>/,
    );
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: `${RESULTS}audit-host.png` });

    await page.emulateMedia({ media: "print" });
    expect(await page.locator("body > header").isVisible()).toBe(false);
    expect(await page.getByTestId("guest-plan-form").isVisible()).toBe(false);
    // The pasted plan's report prints with the host's, above it.
    expect(await page.getByTestId("guest-plan-report").isVisible()).toBe(true);
    expect(await page.getByTestId("audit-report").first().isVisible()).toBe(true);
    expect(await page.getByTestId("audit-report").last().isVisible()).toBe(true);
    await page.close();
  });

  it("fleet audit page lists hosts worst first with their failing checks", async () => {
    const page = await browser.newPage({ extraHTTPHeaders: auth() });
    await page.goto(`${server.url}/audit`);
    const rows = page.getByTestId("fleet-audit-row");
    await rows.first().waitFor();
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-host")))).toEqual(["dgx2-02", "dgx2-01"]);
    expect(await rows.first().locator('[data-check-id="iommu.groups"]').getAttribute("data-status")).toBe("fail");
    await page.screenshot({ path: `${RESULTS}audit-fleet.png`, fullPage: true });
    await page.close();
  });
});
