import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseDomainXml } from "@vfleet/core";
import { assertLibvirtReachable, createVirsh } from "@vfleet/agent/libvirt";
import type { Fleet } from "@vfleet/simulator/fleet";
import { axeViolations } from "../test/axe-violations.ts";
import { apiClient, waitFor, type Api } from "../test/jobs-helpers.ts";
import { launchChromium } from "../test/launch-chromium.ts";
import { startSimFleet } from "../test/start-sim-fleet.ts";
import { bearer, startTestStack, type TestStack } from "../test/start-test-stack.ts";

/**
 * An operator takes a host out for firmware work from its page: Preview names the guest whose
 * vfleet VFs the drain releases and nothing changes yet; Confirm puts the host in maintenance
 * and queues the release plan, which a real agent runs against real libvirtd; the fleet and
 * placement pages show maintenance as its own state, placement refuses the host, and End
 * maintenance gives it back. Checked at 1440 and 390 px, light and dark.
 */
const RESULTS = fileURLToPath(new URL("../test-results/", import.meta.url));
const virsh = createVirsh();
const guest = `vfleet-maint-${process.pid}-${Date.now().toString(36)}`;
const HOST = "dgx-maint";

let stack: TestStack;
let fleet: Fleet;
let browser: Browser;
let api: Api;
let workDir: string;
let hostId: string;

const hostdevs = async () => parseDomainXml(await virsh.dumpXml(guest, { inactive: true })).hostdevs;

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
  await mkdir(RESULTS, { recursive: true });
  workDir = await mkdtemp(join(tmpdir(), "vfleet-maint-e2e-"));
  browser = await launchChromium();
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 8000 });
  fleet = await startSimFleet(stack, workDir, [{ name: HOST, profile: "dgx2" }]);
  api = apiClient(stack.plane.url, stack.tokens.operator);
  // A DGX-2's first scan and snapshot can take a minute or more on a loaded machine.
  hostId = await waitFor(
    "the DGX-2's snapshot",
    async () => ((await api.get("/api/v1/hosts")).body.hosts as { id: string; snapshotAt: string | null }[]).find((h) => h.snapshotAt)?.id,
    180_000,
  );
  expect((await api.post("/api/v1/pools", { name: "cx5", selector: { vendorId: "15b3", deviceId: "1017" } })).status).toBe(201);
  const placed = await api.post("/api/v1/placements", {
    pool: "cx5",
    count: 2,
    // The DGX-2's ports with carrier are its guest's (seed 000): these go on ports without link.
    link: "any",
    guest: { name: guest, vcpus: 2, memoryMiB: 1024 },
  });
  expect(placed.status, JSON.stringify(placed.body).slice(0, 400)).toBe(201);
  const planId = placed.body.plan.id;
  await waitFor(
    "the placement plan",
    async () => ((await api.get(`/api/v1/plans/${planId}`)).body.plan.finishedAt ? true : undefined),
    180_000,
  );
  expect(await hostdevs()).toHaveLength(2);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  await stack?.stop();
  await virsh.undefineDomain(guest, { ifExists: true });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function openPage(path: string, width: number, scheme: "light" | "dark"): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width, height: 1000 },
    colorScheme: scheme,
    extraHTTPHeaders: bearer(stack.tokens.operator),
  });
  await page.goto(`${stack.plane.url}${path}`);
  return page;
}

/** A dry-run placement of 2 VFs naming the host: what maintenance refuses. */
const previewOnHost = () =>
  api.post("/api/v1/placements", { pool: "cx5", count: 2, link: "any", host: HOST, dryRun: true, guest: { name: "g-other" } });

const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

it(
  "previews the drain naming the guest, then maintenance holds the host out of placement until it ends",
  { timeout: 420_000 },
  async () => {
    const page = await openPage(`/hosts/${hostId}`, 1440, "light");
    const form = page.getByTestId("maintenance-form");
    await form.waitFor();
    expect(await form.textContent()).toContain(`drain: release every vfleet assignment (${guest})`);
    await page.getByTestId("maintenance-reason").fill("ConnectX-5 firmware");
    await page.getByTestId("maintenance-drain").check();
    await page.getByTestId("maintenance-preview-button").click();
    const preview = page.getByTestId("maintenance-preview");
    await preview.waitFor();
    const drained = preview.getByTestId("drain-preview-guest");
    expect(await drained.getAttribute("data-guest")).toBe(guest);
    expect(await drained.textContent()).toContain(`release 2 from ${guest} on ${HOST}`);
    await drained.locator("summary").click();
    expect(await drained.getByTestId("job-preview").first().textContent()).toContain(`guest.detach ${guest}`);
    await page.screenshot({ path: join(RESULTS, "maintenance-preview-1440-light.png"), fullPage: true });
    // A preview changes nothing.
    expect((await stack.db.host.findUniqueOrThrow({ where: { id: hostId } })).maintenanceAt).toBeNull();
    expect(await stack.db.plan.count({ where: { title: { endsWith: "(drain)" } } })).toBe(0);

    await preview.getByTestId("maintenance-confirm-button").click();
    await page.getByTestId("drain-plan-link").waitFor();
    await page.getByTestId("maintenance-banner").waitFor();
    expect(await page.getByTestId("maintenance-banner").textContent()).toContain("ConnectX-5 firmware");
    const drainPlan = (await page.getByTestId("drain-plan-link").getAttribute("href"))!.split("/").pop()!;
    await waitFor(
      "the drain's release plan",
      async () => ((await api.get(`/api/v1/plans/${drainPlan}`)).body.plan.finishedAt ? true : undefined),
      180_000,
    );
    expect(await stack.db.job.count({ where: { planId: drainPlan, state: { not: "succeeded" } } })).toBe(0);
    // The drained guest was vfleet's own (a placement defined it): undefined with its last device.
    expect(await virsh.listDomains()).not.toContain(guest);
    expect(await stack.db.assignment.count({ where: { hostId } })).toBe(0);
    await page.close();

    // Placement refuses the host while it is in maintenance, and says why.
    const refused = await previewOnHost();
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain(`(in maintenance, not counted: ${HOST})`);

    // Maintenance is its own state on the fleet, host and placement pages, at both widths and in both schemes.
    for (const scheme of ["light", "dark"] as const) {
      for (const width of [1440, 390]) {
        const fleetPage = await openPage("/", width, scheme);
        const row = fleetPage.getByTestId(`host-row-${HOST}`);
        await row.waitFor();
        expect(await row.getByTestId("host-maintenance").textContent()).toBe("maintenance");
        expect(await fleetPage.getByTestId("fleet-maintenance-count").textContent()).toContain("In maintenance: 1 host");
        await fleetPage.screenshot({ path: join(RESULTS, `maintenance-fleet-${width}-${scheme}.png`), fullPage: false });
        await fleetPage.close();

        const hostPage = await openPage(`/hosts/${hostId}`, width, scheme);
        await hostPage.getByTestId("maintenance-banner").waitFor();
        expect(await sideways(hostPage), `host page at ${width} px ${scheme}`).toBe(0);
        await hostPage.getByTestId("host-maintenance-section").scrollIntoViewIfNeeded();
        await hostPage.screenshot({ path: join(RESULTS, `maintenance-host-${width}-${scheme}.png`), fullPage: false });
        if (width === 1440) expect((await axeViolations(hostPage)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);
        await hostPage.close();

        const placements = await openPage("/placements", width, scheme);
        expect(await placements.getByTestId("placement-maintenance-host").getAttribute("data-host")).toBe(HOST);
        expect(await sideways(placements), `placements page at ${width} px ${scheme}`).toBe(0);
        await placements.close();
      }
    }

    const end = await openPage(`/hosts/${hostId}`, 1440, "light");
    await end.getByTestId("maintenance-end-button").click();
    await end.getByTestId("maintenance-banner").waitFor({ state: "detached" });
    await end.close();
    expect((await stack.db.host.findUniqueOrThrow({ where: { id: hostId } })).maintenanceAt).toBeNull();
    const back = await previewOnHost();
    expect(back.status, JSON.stringify(back.body).slice(0, 300)).toBe(200);

    // A device an operator quarantines from the host page is flagged there and returns only by their action.
    const q = await openPage(`/hosts/${hostId}`, 390, "dark");
    const VF = "0000:35:00.2";
    await q.getByTestId("quarantine-address").fill(VF);
    await q.getByTestId("quarantine-reason").fill("AER errors in dmesg");
    await q.getByTestId("quarantine-button").click();
    await q.locator(`[data-testid="quarantined-device"][data-address="${VF}"]`).waitFor();
    await q.getByTestId("device-show-vfs").check();
    expect(await q.locator(`[data-testid="device-row"][data-address="${VF}"]`).getByTestId("device-quarantined").count()).toBe(1);
    expect(await sideways(q), "host page with a quarantined device at 390 px").toBe(0);
    await q.getByTestId("host-quarantine-section").scrollIntoViewIfNeeded();
    await q.screenshot({ path: join(RESULTS, "quarantine-host-390-dark.png"), fullPage: false });
    expect((await api.get(`/api/v1/hosts/${hostId}`)).body.quarantined).toMatchObject([
      { address: VF, by: "token:alice", reason: "AER errors in dmesg" },
    ]);
    await q.getByTestId("quarantine-return").click();
    await q.getByTestId("quarantined-device").waitFor({ state: "detached" });
    await q.close();
    expect(await stack.db.deviceQuarantine.count()).toBe(0);

    const audit = await stack.db.auditEvent.findMany({
      where: { hostId, action: { startsWith: "host.maintenance" } },
      orderBy: { at: "asc" },
    });
    expect(audit.map((e) => e.action)).toEqual(["host.maintenance-started", "host.maintenance-ended"]);
  },
);
