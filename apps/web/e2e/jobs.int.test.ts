import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Inventory } from "@vfleet/protocol";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { apiClient, waitFor } from "../test/jobs-helpers.ts";
import { signInPage, signOutPage } from "../test/sign-in-page.ts";
import { launchChromium } from "../test/launch-chromium.ts";
import { createUser as createUserAs, startTestStack, TEST_PASSWORD as PASSWORD, type TestStack } from "../test/start-test-stack.ts";

/**
 * An operator in real Chromium sets a VF count from the host page: Preview shows the exact
 * sysfs write, Confirm queues the job, a real agent process applies it to the simulated DGX-2,
 * and the page follows (job state, VF grid) without a reload.
 */
const RESULTS = fileURLToPath(new URL("../test-results/", import.meta.url));
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));

let stack: TestStack;
let fleet: Fleet;
let browser: Browser;
let page: Page;
let workDir: string;
const createUser = (name: string, role: "operator" | "viewer") => createUserAs(stack.admin, name, role);

beforeAll(async () => {
  await mkdir(RESULTS, { recursive: true });
  workDir = await mkdtemp(join(tmpdir(), "vfleet-jobs-e2e-"));
  browser = await launchChromium();
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 8000 });
  fleet = await startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts: [{ name: "dgx-ui", profile: "dgx2", vfs: 0 }],
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 1000,
    log: () => {},
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1200 } });
});
afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

it("sets a VF count from the host page through preview and confirm, and sees the grid update live", async () => {
  const api = apiClient(stack.plane.url, stack.tokens.operator);
  const { hostId, pf } = await waitFor("the DGX-2's snapshot", async () => {
    const h = ((await api.get("/api/v1/hosts")).body.hosts as { id: string; snapshotAt: string | null }[]).find((x) => x.snapshotAt);
    if (!h) return undefined;
    const inv = (await api.get(`/api/v1/hosts/${h.id}`)).body.inventory as Inventory;
    return { hostId: h.id, pf: inv.devices.find((d) => d.sriov)!.address };
  });

  // carol signs in through the login page; her name, not a claim, goes into the audit log.
  await createUser("carol", "operator");
  await signInPage(page, stack.plane.url, "carol", PASSWORD, `/hosts/${hostId}`);
  expect(page.url()).toBe(`${stack.plane.url}/hosts/${hostId}`);
  expect(await page.getByTestId("signed-in-as").getAttribute("data-role")).toBe("operator");
  await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
  await page.evaluate(() => {
    (window as unknown as { __noReload: number }).__noReload = 1;
  });
  const card = page.locator(`[data-testid="pf-card"][data-address="${pf}"]`);
  expect(await card.locator('[data-testid="vf-cell"]').count()).toBe(0);

  const form = page.getByTestId("job-action-form");
  await form.getByTestId("job-kind").selectOption("vf.set-count");
  await form.getByTestId("job-pf").selectOption(pf);
  // Bad input first: the API's answer names the field, nothing is queued.
  await form.getByTestId("job-count").fill("17");
  await form.getByTestId("job-preview-button").click();
  await expect.poll(() => form.getByTestId("field-error-count").textContent()).toContain("must be at most 16");
  expect(await form.getByTestId("job-confirm-button").count()).toBe(0);

  await form.getByTestId("job-count").fill("4");
  await form.getByTestId("job-preview-button").click();
  const preview = form.getByTestId("job-preview");
  await preview.waitFor();
  expect(await preview.getByTestId("preview-change").allTextContents()).toEqual([`write /sys/bus/pci/devices/${pf}/sriov_numvfs = "4"`]);
  expect(await stack.db.job.count()).toBe(0);
  await page.screenshot({ path: join(RESULTS, "job-preview.png"), fullPage: false });

  await form.getByTestId("job-confirm-button").click();
  const jobId = await form.getByTestId("job-created").getAttribute("data-job-id");
  expect(jobId).toBeTruthy();
  await page.locator(`[data-testid="job-row"][data-job-id="${jobId}"][data-state="succeeded"]`).waitFor({ timeout: 20_000 });
  // When, relative, with the UTC time on hover.
  const createdAt = page.locator(`[data-testid="job-row"][data-job-id="${jobId}"] time`);
  expect(await createdAt.textContent()).toMatch(/^\d+ (s|min) ago$/);
  expect(await createdAt.getAttribute("title")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  await expect.poll(() => card.locator('[data-testid="vf-cell"]').count(), { timeout: 20_000 }).toBe(4);
  expect(await page.evaluate(() => (window as unknown as { __noReload?: number }).__noReload)).toBe(1);
  await page.screenshot({ path: join(RESULTS, "job-vf-count-done.png"), fullPage: false });

  // The live job view and the audit log tell the same story.
  await page.goto(`${stack.plane.url}/jobs/${jobId}`);
  expect(await page.getByTestId("job-page").getAttribute("data-state")).toBe("succeeded");
  expect(await page.getByTestId("job-step").allTextContents()).toContainEqual(
    expect.stringContaining(`write sys/bus/pci/devices/${pf}/sriov_numvfs = 4`),
  );
  await page.goto(`${stack.plane.url}/audit-log?hostId=${hostId}`);
  const created = page.locator('[data-testid="audit-event"][data-action="job.created"]');
  expect(await created.first().textContent()).toContain("carol");
  // Before and after, on demand, read as one row per field, not JSON: the count it found, the count the job asks for.
  await created.first().getByTestId("audit-diff-toggle").click();
  const diffRows = await created.first().getByTestId("audit-diff-row").allTextContents();
  expect(diffRows).toContainEqual(expect.stringMatching(/^numVfs\d+—$/));
  expect(diffRows).toContain("job.params.count—4");
  expect(await created.first().textContent()).not.toContain('{"');
  expect(await page.locator('[data-testid="audit-event"][data-action="job.succeeded"]').count()).toBe(1);
  expect((await stack.db.job.findUniqueOrThrow({ where: { id: jobId! } })).createdBy).toBe("carol");

  // Signed out, the host page is behind the sign-in page again.
  await signOutPage(page);
  await page.goto(`${stack.plane.url}/hosts/${hostId}`);
  await page.getByTestId("sign-in-form").waitFor();
});

it("shows a viewer the host but not the controls that change it", async () => {
  const api = apiClient(stack.plane.url, stack.tokens.viewer);
  const hostId = ((await api.get("/api/v1/hosts")).body.hosts as { id: string }[])[0]!.id;
  await createUser("victor", "viewer");
  await signInPage(page, stack.plane.url, "victor", PASSWORD, `/hosts/${hostId}`);
  await page.getByTestId("host-name").waitFor();
  expect(await page.getByTestId("pf-card").count()).toBeGreaterThan(0);
  expect(await page.getByTestId("host-actions").count()).toBe(0);
  expect(await page.getByTestId("admin-link").count()).toBe(0);
  await page.screenshot({ path: join(RESULTS, "viewer-host-page.png"), fullPage: false });
  // The server refuses what the page does not offer.
  const refused = await page.evaluate(
    async (id) =>
      (
        await fetch("/api/v1/jobs", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ hostId: id, job: { kind: "vf.set-count", params: { pf: "0000:00:00.0", count: 1 } } }),
        })
      ).status,
    hostId,
  );
  expect(refused).toBe(403);
  await signOutPage(page);
});

it("says a host is offline, asks before queueing for it, and lets the operator cancel what waits", async () => {
  const api = apiClient(stack.plane.url, stack.tokens.operator);
  const hostId = ((await api.get("/api/v1/hosts")).body.hosts as { id: string }[])[0]!.id;
  const pf = ((await api.get(`/api/v1/hosts/${hostId}`)).body.inventory as Inventory).devices.find((d) => d.sriov)!.address;
  await fleet.stopHost("dgx-ui");
  await waitFor(
    "the host offline",
    async () => ((await api.get(`/api/v1/hosts/${hostId}`)).body.host.online === false ? true : undefined),
    20_000,
  );

  await signInPage(page, stack.plane.url, "carol", PASSWORD, `/hosts/${hostId}`);
  const banner = page.getByTestId("offline-banner");
  expect(await banner.textContent()).toMatch(/dgx-ui is offline since \d+ s ago\..*last inventory.*may no longer be true/);

  const form = page.getByTestId("job-action-form");
  await form.getByTestId("job-kind").selectOption("vf.set-count");
  await form.getByTestId("job-pf").selectOption(pf);
  await form.getByTestId("job-count").fill("2");
  await form.getByTestId("job-preview-button").click();
  await form.getByTestId("job-preview").waitFor();
  // Confirm waits for an explicit yes: the job would only wait for the agent.
  expect(await form.getByTestId("job-confirm-button").isDisabled()).toBe(true);
  expect(await form.getByTestId("job-offline-warning").textContent()).toContain("dgx-ui is offline");
  await form.getByTestId("job-queue-offline").check();
  await form.getByTestId("job-confirm-button").click();
  const jobId = await form.getByTestId("job-created").getAttribute("data-job-id");

  await page.goto(`${stack.plane.url}/jobs/${jobId}`);
  expect(await page.getByTestId("job-page").getAttribute("data-state")).toBe("queued");
  expect(await page.getByTestId("job-host-offline").textContent()).toMatch(/waits for dgx-ui, which is offline since/);
  await page.getByTestId("job-cancel-button").click();
  await expect.poll(() => page.getByTestId("job-page").getAttribute("data-state"), { timeout: 10_000 }).toBe("cancelled");
  expect((await api.get(`/api/v1/jobs/${jobId}`)).body.job.state).toBe("cancelled");
  expect((await stack.db.auditEvent.findFirstOrThrow({ where: { jobId: jobId!, action: "job.cancelled" } })).actor).toBe("carol");
  await page.screenshot({ path: join(RESULTS, "job-offline-cancelled.png"), fullPage: false });
});
