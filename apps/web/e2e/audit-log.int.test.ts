import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Inventory } from "@vfleet/protocol";
import type { Fleet } from "@vfleet/simulator/fleet";
import { apiClient, previewAndConfirm, waitFor } from "../test/jobs-helpers.ts";
import { launchChromium } from "../test/launch-chromium.ts";
import { startSimFleet } from "../test/start-sim-fleet.ts";
import { bearer, startTestStack, type TestStack } from "../test/start-test-stack.ts";

/**
 * The audit log as an operator reads it: a compact list (when, who, what, host and device,
 * outcome) that fits the screen, filters by host, actor, kind and time, pages, and opens an
 * event's before/after as a field-by-field diff only when asked. Real agents on simulated hosts
 * make the events.
 */
const RESULTS = fileURLToPath(new URL("../test-results/", import.meta.url));

let stack: TestStack;
let fleet: Fleet;
let browser: Browser;
let workDir: string;
const hosts: Record<string, { id: string; pf: string }> = {};

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "vfleet-audit-log-"));
  await mkdir(RESULTS, { recursive: true });
  browser = await launchChromium();
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 8000 });
  fleet = await startSimFleet(stack, workDir, [
    { name: "igb-log", profile: "intel-82576" },
    { name: "ws-log", profile: "gpu-workstation" },
  ]);
  const admin = apiClient(stack.plane.url, stack.tokens.admin);
  const list = await waitFor("both hosts' snapshots", async () => {
    const l = (await admin.get("/api/v1/hosts")).body.hosts as { id: string; name: string; snapshotAt: string | null }[];
    return l.length === 2 && l.every((h) => h.snapshotAt) ? l : undefined;
  });
  for (const h of list) {
    const inv = (await admin.get(`/api/v1/hosts/${h.id}`)).body.inventory as Inventory;
    // A PF none of whose VFs a guest holds: its VF count can change.
    const held = new Set(inv.guests.flatMap((g) => g.hostdevs.map((d) => d.address)));
    hosts[h.name] = { id: h.id, pf: inv.devices.find((d) => d.sriov && !d.sriov.vfs.some((vf) => held.has(vf)))?.address ?? "" };
  }
  // Jobs by two actors (the operator's token and the admin's) on the 82576's PF, one after the other.
  const operator = apiClient(stack.plane.url, stack.tokens.operator);
  for (const [i, count] of [3, 2, 4, 1, 5, 2, 3, 1].entries()) {
    const api = i % 2 ? admin : operator;
    const created = await previewAndConfirm(api, "/api/v1/jobs", {
      hostId: hosts["igb-log"]!.id,
      job: { kind: "vf.set-count", params: { pf: hosts["igb-log"]!.pf, count } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await waitFor(`job ${i}`, async () =>
      (await api.get(`/api/v1/jobs/${created.body.job.id}`)).body.job.state === "succeeded" ? true : undefined,
    );
  }
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function openPage(width: number, scheme: "light" | "dark" = "light"): Promise<Page> {
  return browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme, extraHTTPHeaders: bearer(stack.tokens.admin) });
}

/** How far the page scrolls sideways, and the widest row's overflow (0 when every row fits its box). */
const overflow = (page: Page) =>
  page.evaluate(() => ({
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    rows: Math.max(0, ...[...document.querySelectorAll('[data-testid="audit-event"]')].map((r) => r.scrollWidth - r.clientWidth)),
  }));

it("lists 18 events compactly at 1440 px and at 390 px, nothing spilling out", { timeout: 120_000 }, async () => {
  const page = await openPage(1440);
  await page.goto(`${stack.plane.url}/audit-log`);
  const rows = page.getByTestId("audit-event");
  expect(await rows.count()).toBeGreaterThanOrEqual(18);
  const box = async (i: number) => (await rows.nth(i).boundingBox())!;
  const height = (await box(17)).y + (await box(17)).height - (await box(0)).y;
  console.log(`18 audit events at 1440 px: ${Math.round(height)} px tall`);
  // One line each (they measured 6,300 px for 18 when before/after were columns).
  expect(height).toBeLessThan(18 * 40);
  expect(await overflow(page)).toEqual({ page: 0, rows: 0 });
  // Each row names when, who, what, where and how it ended.
  const done = page.locator('[data-testid="audit-event"][data-action="job.succeeded"]').first();
  expect(await done.getByTestId("audit-at").textContent()).toMatch(/^\d+ (s|min) ago$/);
  expect(await done.getByTestId("audit-at").getAttribute("title")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(await done.getByTestId("audit-where").textContent()).toBe(`igb-log · ${hosts["igb-log"]!.pf}`);
  expect(await done.getByTestId("audit-outcome").textContent()).toBe("succeeded");
  // No before/after until asked; then one row per field, what moved marked.
  expect(await page.getByTestId("audit-diff").count()).toBe(0);
  const queued = page.locator('[data-testid="audit-event"][data-action="job.created"]').first();
  expect(await queued.getByTestId("audit-outcome").textContent()).toBe("queued");
  await queued.getByTestId("audit-diff-toggle").click();
  const diff = queued.getByTestId("audit-diff");
  expect(await diff.getByTestId("audit-diff-row").allTextContents()).toContainEqual(expect.stringMatching(/^job\.params\.count—\d$/));
  expect(await diff.getByTestId("audit-diff-row").allTextContents()).toContainEqual(expect.stringMatching(/^numVfs\d—$/));
  expect(await overflow(page)).toEqual({ page: 0, rows: 0 });
  await page.screenshot({ path: join(RESULTS, "audit-log-1440.png"), fullPage: true });
  await page.close();

  for (const scheme of ["light", "dark"] as const) {
    const narrow = await openPage(390, scheme);
    await narrow.goto(`${stack.plane.url}/audit-log`);
    await narrow.locator('[data-testid="audit-event"][data-action="job.created"]').first().getByTestId("audit-diff-toggle").click();
    expect(await overflow(narrow)).toEqual({ page: 0, rows: 0 });
    await narrow.screenshot({ path: join(RESULTS, `audit-log-390-${scheme}.png`), fullPage: false });
    await narrow.close();
  }
});

it("filters by host (the host page's link), actor, kind and time, and pages", { timeout: 120_000 }, async () => {
  const page = await openPage(1440);
  const igb = hosts["igb-log"]!;
  // The host page's link lands on that host's events, the host chosen in the filter.
  await page.goto(`${stack.plane.url}/hosts/${igb.id}`);
  await page.getByTestId("host-audit-log-link").click();
  await page.waitForURL(`**/audit-log?hostId=${igb.id}`);
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Audit log: igb-log");
  expect(await page.getByTestId("audit-filter-host").inputValue()).toBe(igb.id);
  const where = () => page.getByTestId("audit-where").allTextContents();
  expect((await where()).length).toBeGreaterThan(0);
  expect((await where()).every((w) => w.startsWith("igb-log"))).toBe(true);

  // The other host: its own events only (it came online, nothing else).
  await page.getByTestId("audit-filter-host").selectOption({ label: "ws-log" });
  await page.getByTestId("audit-filter-apply").click();
  await page.waitForURL(new RegExp(`hostId=${hosts["ws-log"]!.id}`));
  expect((await where()).every((w) => w.startsWith("ws-log"))).toBe(true);

  // Who: the operator's token queued the even-numbered jobs.
  await page.goto(`${stack.plane.url}/audit-log`);
  await page.getByTestId("audit-filter-actor").selectOption("token:alice");
  await page.getByTestId("audit-filter-kind").selectOption("job.created");
  await page.getByTestId("audit-filter-apply").click();
  await page.waitForURL(/actor=token%3Aalice&kind=job.created/);
  expect(await page.getByTestId("audit-actor").allTextContents()).toEqual(["token:alice", "token:alice", "token:alice", "token:alice"]);
  // A family: every job.* event and nothing else.
  await page.getByTestId("audit-filter-kind").selectOption("job");
  await page.getByTestId("audit-filter-apply").click();
  await page.waitForURL(/kind=job&/);
  const actions = await page.getByTestId("audit-event").evaluateAll((els) => els.map((e) => e.getAttribute("data-action")));
  expect(actions.length).toBe(8);
  expect(actions.every((a) => a!.startsWith("job."))).toBe(true);

  // Time: up to yesterday holds nothing; the last hour holds everything.
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await page.goto(`${stack.plane.url}/audit-log?to=${yesterday}`);
  expect(await page.getByTestId("audit-event").count()).toBe(0);
  expect(await page.getByTestId("audit-log").textContent()).toContain("No event matches these filters.");
  await page.goto(`${stack.plane.url}/audit-log?since=1h`);
  const all = Number((await page.getByTestId("audit-count").textContent())!.split(" of ")[1]);
  expect(all).toBeGreaterThanOrEqual(18);
  // A bad value names the field and its limit, and shows everything.
  await page.goto(`${stack.plane.url}/audit-log?from=yesterday`);
  expect(await page.getByTestId("filter-problem").textContent()).toContain("from: must be a date like 2026-01-31");

  // Paging: 50 a page, newest first, the next page picks up where the first ended.
  await stack.db.auditEvent.createMany({
    data: Array.from({ length: 60 }, (_, i) => ({
      actor: "pager",
      action: "host.labels",
      summary: `labels ${i}`,
      at: new Date(Date.now() - 3_600_000 - i * 1000),
    })),
  });
  await page.goto(`${stack.plane.url}/audit-log?actor=pager`);
  expect(await page.getByTestId("audit-count").textContent()).toBe("1–50 of 60");
  expect(await page.getByTestId("audit-what").first().textContent()).toContain("labels 0");
  await page.getByTestId("page-older").click();
  await page.waitForURL(/page=2/);
  expect(await page.getByTestId("audit-count").textContent()).toBe("51–60 of 60");
  expect(await page.getByTestId("audit-what").first().textContent()).toContain("labels 50");
  await page.close();
});
