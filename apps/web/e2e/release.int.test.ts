import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseDomainXml } from "@vfleet/core";
import { assertLibvirtReachable, createVirsh } from "@vfleet/agent/libvirt";
import type { Fleet } from "@vfleet/simulator/fleet";
import { apiClient, waitFor } from "../test/jobs-helpers.ts";
import { launchChromium } from "../test/launch-chromium.ts";
import { startSimFleet } from "../test/start-sim-fleet.ts";
import { bearer, startTestStack, type TestStack } from "../test/start-test-stack.ts";

/**
 * Releasing a guest's VFs is previewed and confirmed like every other change: the preview names
 * what is detached, the driver each VF goes back to, the MAC and VLAN it gets back and that the
 * guest vfleet defined is undefined with its last device; nothing is queued before Confirm; the release plan stays
 * linked after its rows are gone, and each row links to the plan that placed it and the one
 * releasing it. Real agent, real libvirtd.
 */
const RESULTS = fileURLToPath(new URL("../test-results/", import.meta.url));
const virsh = createVirsh();
const guest = `vfleet-release-${process.pid}-${Date.now().toString(36)}`;
const group = `vfleet-relgroup-${process.pid}-${Date.now().toString(36)}`;

let stack: TestStack;
let fleet: Fleet;
let browser: Browser;
let page: Page;
let workDir: string;
let placementPlan: string;

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
  await mkdir(RESULTS, { recursive: true });
  workDir = await mkdtemp(join(tmpdir(), "vfleet-release-e2e-"));
  browser = await launchChromium();
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 8000 });
  fleet = await startSimFleet(stack, workDir, [{ name: "dgx-release", profile: "dgx2" }]);
  const api = apiClient(stack.plane.url, stack.tokens.operator);
  await waitFor("the DGX-2's snapshot", async () =>
    ((await api.get("/api/v1/hosts")).body.hosts as { snapshotAt: string | null }[]).find((h) => h.snapshotAt),
  );
  const pool = await api.post("/api/v1/pools", {
    name: "cx5",
    selector: { vendorId: "15b3", deviceId: "1017" },
    macRange: { from: "02:00:00:7e:00:00", to: "02:00:00:7e:00:ff" },
  });
  expect(pool.status, JSON.stringify(pool.body)).toBe(201);
  // Four VFs on a guest vfleet defines itself, with MACs from the pool and VLAN 42.
  const placed = await api.post("/api/v1/placements", {
    pool: "cx5",
    count: 4,
    allocateMacs: true,
    vlan: 42,
    // The DGX-2's ports with carrier are its guest's (seed 000): these go on ports without link.
    link: "any",
    guest: { name: guest, vcpus: 2, memoryMiB: 1024 },
  });
  expect(placed.status, JSON.stringify(placed.body).slice(0, 400)).toBe(201);
  placementPlan = placed.body.plan.id;
  await waitFor(
    "the placement plan",
    async () => ((await api.get(`/api/v1/plans/${placementPlan}`)).body.plan.finishedAt ? true : undefined),
    180_000,
  );
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, extraHTTPHeaders: bearer(stack.tokens.operator) });
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  await stack?.stop();
  await virsh.undefineDomain(guest, { ifExists: true });
  for (const g of [`${group}-1`, `${group}-2`]) await virsh.undefineDomain(g, { ifExists: true });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

it("previews the release, queues it only on Confirm, and keeps its plan linked", { timeout: 300_000 }, async () => {
  expect(parseDomainXml(await virsh.dumpXml(guest, { inactive: true })).hostdevs).toHaveLength(4);
  await page.goto(`${stack.plane.url}/assignments`);
  const group = page.getByTestId(`assignments-${guest}`);
  await group.waitFor();
  // Each row links to the plan that placed it.
  const placedLinks = await group.getByTestId("placed-by-link").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  expect(placedLinks).toEqual(Array(4).fill(`/plans/${placementPlan}`));
  const plansBefore = await stack.db.plan.count();

  await group.getByTestId("release-preview-button").click();
  const preview = group.getByTestId("release-preview");
  await preview.waitFor();
  expect(await preview.getByTestId("release-preview-detach").textContent()).toBe(
    `Detaches 4 functions from ${guest} (from its saved definition; it is not running).`,
  );
  expect(await preview.getByTestId("release-preview-row").count()).toBe(4);
  // The VFs were on mlx5_core before vfleet bound them to vfio-pci: that is where they go back.
  expect(await preview.getByTestId("release-preview-driver").allTextContents()).toEqual(Array(4).fill("mlx5_core"));
  // The MACs came from the pool's range; they had none before, and ip link cannot clear one: kept, and said.
  // The VLAN goes back to none.
  expect(await preview.getByTestId("release-preview-vlan").allTextContents()).toEqual(Array(4).fill("42 → none"));
  const macs = await preview.getByTestId("release-preview-mac").allTextContents();
  expect(
    macs.every((m) => /^02:00:00:7e:00:[0-9a-f]{2} \(kept\)$/.test(m)),
    macs.join(),
  ).toBe(true);
  expect(await preview.getByTestId("release-preview-notes").textContent()).toContain("a VF's MAC cannot be cleared through ip link");
  // vfleet defined the guest and this takes its last device: it is undefined afterwards, said before Confirm.
  const guestLine = preview.getByTestId("release-preview-guest");
  expect(await guestLine.textContent()).toBe(
    `${guest} was defined by vfleet and this release takes its last passthrough device: it is undefined afterwards (virsh undefine ${guest}).`,
  );
  expect(await guestLine.getAttribute("data-undefines")).toBe("yes");
  // The agent's exact writes are there on demand: the detach first, the undefine last.
  await preview.locator("summary").click();
  const writes = await preview.getByTestId("job-preview").allTextContents();
  expect(writes[0]).toContain(`guest.detach ${guest}`);
  expect(writes.at(-1)).toContain(`guest.undefine ${guest}`);
  await page.screenshot({ path: join(RESULTS, "release-preview.png"), fullPage: true });
  // Nothing is queued by a preview.
  expect(await stack.db.plan.count()).toBe(plansBefore);

  await preview.getByTestId("release-confirm-button").click();
  const link = group.getByTestId("release-plan-link");
  await link.waitFor();
  const releaseHref = await link.getAttribute("href");
  expect(releaseHref).not.toBe(`/plans/${placementPlan}`);
  // Once its rows are gone, the page still links to it.
  await waitFor(
    "the release plan",
    async () => ((await stack.db.plan.findUnique({ where: { id: releaseHref!.split("/").pop()! } }))?.finishedAt ? true : undefined),
    180_000,
  );
  // The release plan's page lists its jobs in the order they ran: the detach first, the undefine last.
  await page.goto(`${stack.plane.url}${releaseHref}`);
  const ran = await page.getByTestId("job-row").allTextContents();
  expect(ran[0]).toContain(`guest.detach ${guest}`);
  expect(ran.at(-1)).toContain(`guest.undefine ${guest}`);
  await page.goto(`${stack.plane.url}/assignments`);
  expect(await page.getByTestId(`assignments-${guest}`).count()).toBe(0);
  expect(await page.getByTestId("recent-release-link").first().getAttribute("href")).toBe(releaseHref);
  // Not left behind defined and empty: the guest vfleet defined is gone from libvirt.
  expect(await virsh.listDomains()).not.toContain(guest);
  await page.screenshot({ path: join(RESULTS, "release-done.png"), fullPage: true });
});

it(
  "releases a group of guests all or nothing: previewed with each host's basis, refused whole when a host changed, then queued together",
  { timeout: 300_000 },
  async () => {
    const api = apiClient(stack.plane.url, stack.tokens.operator);
    const placed = await api.post("/api/v1/placements", {
      pool: "cx5",
      count: 2,
      replicas: 2,
      link: "any",
      guest: { name: group, vcpus: 1, memoryMiB: 512 },
    });
    expect(placed.status, JSON.stringify(placed.body).slice(0, 400)).toBe(201);
    const guests = (placed.body.placements as { guest: { name: string }; plan: { id: string } }[]).map((p) => p.guest.name);
    expect(guests).toEqual([`${group}-1`, `${group}-2`]);
    for (const p of placed.body.placements as { plan: { id: string } }[])
      await waitFor(
        "a group placement plan",
        async () => ((await api.get(`/api/v1/plans/${p.plan.id}`)).body.plan.finishedAt ? true : undefined),
        180_000,
      );
    // The agent's next snapshot shows both guests' VFs: until then the host's basis still moves.
    await waitFor("the snapshot with the group's VFs", async () =>
      (await stack.db.guestHostdev.count({ where: { guestName: { in: guests } } })) === 4 ? true : undefined,
    );
    const plansBefore = await stack.db.plan.count();

    // The preview: one release per guest, each host's basis; nothing queued.
    const preview = await api.post("/api/v1/assignments/release", { guests, dryRun: true });
    expect(preview.status, JSON.stringify(preview.body).slice(0, 400)).toBe(200);
    const releases = preview.body.releases as { guest: string; hostId: string; jobs: { job: { kind: string } }[] }[];
    expect(releases.map((r) => r.guest)).toEqual(guests);
    expect(releases.every((r) => r.jobs[0]!.job.kind === "guest.detach")).toBe(true);
    const bases = preview.body.bases as Record<string, string>;
    expect(Object.keys(bases)).toEqual([...new Set(releases.map((r) => r.hostId))]);
    expect(await stack.db.plan.count()).toBe(plansBefore);

    // Without bases (or force) nothing is queued: 428 naming the field.
    const unbased = await api.post("/api/v1/assignments/release", { guests });
    expect([unbased.status, unbased.body.field]).toEqual([428, "bases"]);
    // A guest that holds nothing: 400 naming it, nothing queued for the other.
    const unknown = await api.post("/api/v1/assignments/release", { guests: [guests[0], "no-such-guest"], bases });
    expect([unknown.status, unknown.body.field]).toEqual([400, "guests.1"]);
    // A host that changed since the preview (another basis): 409 with the new preview, none of the group queued.
    const stale = await api.post("/api/v1/assignments/release", {
      guests,
      bases: Object.fromEntries(Object.keys(bases).map((h) => [h, "0.none"])),
    });
    expect([stale.status, stale.body.field]).toEqual([409, "bases"]);
    expect((stale.body.releases as unknown[]).length).toBe(2);
    expect(await stack.db.plan.count()).toBe(plansBefore);

    // On the Assignments page (at 390 px): both guests chosen together, previewed, confirmed as one.
    await page.setViewportSize({ width: 390, height: 900 });
    await page.goto(`${stack.plane.url}/assignments`);
    const form = page.getByTestId("group-release-form");
    for (const g of guests) await form.locator(`[data-testid="group-release-guest"][data-guest="${g}"]`).check();
    await form.getByTestId("group-release-preview-button").click();
    await form.getByTestId("group-release-preview").waitFor();
    expect(await form.getByTestId("group-release-item").evaluateAll((els) => els.map((e) => e.getAttribute("data-guest")))).toEqual(guests);
    expect(
      await form.getByTestId("group-release-guest-after").evaluateAll((els) => els.map((e) => e.getAttribute("data-undefines"))),
    ).toEqual(["yes", "yes"]);
    await page.screenshot({ path: join(RESULTS, "group-release-preview-390.png"), fullPage: true });
    expect(await stack.db.plan.count()).toBe(plansBefore);
    await form.getByTestId("group-release-confirm-button").click();
    await form.getByTestId("group-release-plan-link").nth(1).waitFor();
    const hrefs = await form.getByTestId("group-release-plan-link").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
    const plans = hrefs.map((h) => h.split("/").pop()!);
    expect(plans).toHaveLength(2);
    expect(await stack.db.plan.count()).toBe(plansBefore + 2);
    await page.setViewportSize({ width: 1440, height: 1000 });
    for (const id of plans)
      await waitFor(
        "a group release plan",
        async () => ((await api.get(`/api/v1/plans/${id}`)).body.plan.finishedAt ? true : undefined),
        180_000,
      );
    expect(await stack.db.assignment.count({ where: { guest: { in: guests } } })).toBe(0);
    const left = await virsh.listDomains();
    for (const g of guests) expect(left).not.toContain(g);
  },
);

it("a pool's default strategy is set on its form, shown on /pools, and named by the placement form", { timeout: 120_000 }, async () => {
  await page.goto(`${stack.plane.url}/pools/cx5`);
  await page.getByTestId("pool-strategy").selectOption("pack");
  await page.getByTestId("pool-save").click();
  await page.getByTestId("pool-saved").waitFor();
  const api = apiClient(stack.plane.url, stack.tokens.operator);
  const pools = (await api.get("/api/v1/pools")).body.pools as { name: string; strategy: string | null }[];
  expect(pools.find((p) => p.name === "cx5")?.strategy).toBe("pack");
  await page.goto(`${stack.plane.url}/pools`);
  expect(await page.getByTestId("pool-cx5").getByTestId("pool-strategy-shown").textContent()).toBe("places by pack");
  await page.goto(`${stack.plane.url}/placements?pool=cx5`);
  expect(await page.getByTestId("place-strategy").locator("option").first().textContent()).toBe("the pool's default: pack");
});

it(
  "audits a guest plan given by numbers (N VFs from a pool, vCPUs, MiB) with the guest's verdict at the top",
  { timeout: 180_000 },
  async () => {
    const api = apiClient(stack.plane.url, stack.tokens.operator);
    const hostId = ((await api.get("/api/v1/hosts")).body.hosts as { id: string }[])[0]!.id;
    // Bad numbers name the field and the limit; an unknown pool names the pools there are.
    const zero = await api.post(`/api/v1/audit/hosts/${hostId}`, { plan: { pool: "cx5", count: 0, vcpus: 4, memoryMiB: 8192 } });
    expect([zero.status, zero.body.field, zero.body.error]).toEqual([400, "plan.count", "plan.count: must be at least 1"]);
    const unknown = await api.post(`/api/v1/audit/hosts/${hostId}`, { plan: { pool: "nope", count: 4, vcpus: 4, memoryMiB: 8192 } });
    expect([unknown.status, unknown.body.field]).toEqual([400, "plan.pool"]);
    expect(unknown.body.error).toContain("known: cx5");

    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(`${stack.plane.url}/hosts/${hostId}/audit`);
    const form = page.getByTestId("guest-plan-numbers");
    // Nothing said before the operator types; the audit waits for every number.
    expect(await page.getByTestId("guest-plan-error").count()).toBe(0);
    expect(await form.getByTestId("guest-plan-numbers-submit").isDisabled()).toBe(true);
    await form.getByTestId("guest-plan-count").fill("16");
    await form.getByTestId("guest-plan-pool").selectOption("cx5");
    await form.getByTestId("guest-plan-vcpus").fill("8");
    await form.getByTestId("guest-plan-memory").fill("16384");
    await form.getByTestId("guest-plan-numbers-submit").click();
    const report = page.getByTestId("guest-plan-report");
    await report.waitFor();
    expect(await report.locator("h3").textContent()).toBe("Plan: 16 functions from pool cx5, 8 vCPUs, 16384 MiB");
    expect((await report.getByTestId("guest-plan-functions").locator("span").textContent())!.split(" ")).toHaveLength(16);
    // The guest's verdict is within the first screen, and its own checks come before the host's.
    const verdict = report.getByTestId("audit-verdict");
    expect(await verdict.textContent()).toContain("Guest planned-guest on dgx-release");
    const top = await verdict.evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
    expect(top).toBeLessThan(1000);
    const layers = await report
      .locator('[data-testid^="audit-layer-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")));
    expect(layers[0]).toBe("audit-layer-guest");
    await page.screenshot({ path: join(RESULTS, "guest-plan-by-numbers.png") });
  },
);
