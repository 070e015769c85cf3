import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseDomainXml } from "@vfleet/core";
import { assertLibvirtReachable, createVirsh } from "@vfleet/agent/libvirt";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { apiClient, waitFor } from "../test/jobs-helpers.ts";
import { launchChromium } from "../test/launch-chromium.ts";
import { signInPage } from "../test/sign-in-page.ts";
import { createUser, startTestStack, TEST_PASSWORD, type TestStack } from "../test/start-test-stack.ts";

/**
 * An operator in real Chromium: creates a pool (the live preview shows what it matches), places
 * 4 VFs NUMA-local on a new guest (preview, then confirm), watches the plan run on a real agent
 * and the real libvirtd, then releases the guest's VFs from the assignments page.
 */
const RESULTS = fileURLToPath(new URL("../test-results/", import.meta.url));
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
const virsh = createVirsh();
const guest = `vfleet-ui-${process.pid}-${Date.now().toString(36)}`;

let stack: TestStack;
let fleet: Fleet;
let browser: Browser;
let page: Page;
let workDir: string;

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
  await mkdir(RESULTS, { recursive: true });
  workDir = await mkdtemp(join(tmpdir(), "vfleet-place-e2e-"));
  browser = await launchChromium();
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 8000 });
  fleet = await startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts: [{ name: "dgx-place", profile: "dgx2", vfs: 0 }],
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 1000,
    log: () => {},
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1200 } });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  await stack?.stop();
  await virsh.undefineDomain(guest, { ifExists: true });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

it("creates a pool, places VFs on a new guest, watches the plan, and releases them", { timeout: 300_000 }, async () => {
  const api = apiClient(stack.plane.url, stack.tokens.operator);
  await waitFor("the DGX-2's snapshot", async () =>
    ((await api.get("/api/v1/hosts")).body.hosts as { snapshotAt: string | null }[]).find((h) => h.snapshotAt),
  );

  // dana, an operator, signs in: the pool, the plan and the release are recorded under her name.
  await createUser(stack.admin, "dana", "operator");
  await signInPage(page, stack.plane.url, "dana", TEST_PASSWORD, "/pools");
  const form = page.getByTestId("pool-form");
  await form.getByTestId("pool-name").fill("cx5");
  await form.getByTestId("pool-vendorId").fill("15b3");
  await form.getByTestId("pool-deviceId").fill("1017");
  const preview = form.getByTestId("pool-preview-capacity");
  await expect.poll(() => preview.getByTestId("pool-creatable").getAttribute("data-value"), { timeout: 10_000 }).toBe("160");
  await form.getByTestId("pool-save").click();
  await form.getByTestId("pool-saved").waitFor();
  await page.getByTestId("pool-cx5").waitFor();
  expect(await page.getByTestId("pool-cx5").getByTestId("capacity-row").count()).toBe(2);
  await page.screenshot({ path: join(RESULTS, "pools.png") });

  await page.getByTestId("pool-cx5").getByTestId("pool-place-link").click();
  const place = page.getByTestId("placement-form");
  await place.waitFor();
  // Seed 000's DGX-2: only the dual-port card has carrier. 16 NUMA-local over 4 PFs cannot be had on
  // linked ports: the form says so and offers the ports without link, where the split is 4/4/4/4.
  await place.getByTestId("place-count").fill("16");
  await place.getByTestId("place-minPfs").fill("4");
  await place.getByTestId("place-numa").selectOption("required");
  await place.getByTestId("place-guest").fill(guest);
  await place.getByTestId("place-vcpus").fill("2");
  await place.getByTestId("place-memoryMiB").fill("2048");
  await place.getByTestId("place-preview").click();
  await place.getByTestId("place-use-any-link").click();
  const shown = place.getByTestId("placement-preview");
  await shown.waitFor();
  expect(await shown.getByTestId("placement-split").textContent()).toContain("4 / 4 / 4 / 4");
  expect(await shown.getByTestId("placement-pf").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-link")))).toEqual(
    Array(4).fill("down"),
  );
  await page.screenshot({ path: join(RESULTS, "placement-link-any.png"), fullPage: true });

  // 4 on linked ports: the preview names the port, and Confirm runs exactly the previewed VFs.
  await place.getByTestId("place-count").fill("4");
  await place.getByTestId("place-minPfs").fill("");
  await place.getByTestId("place-link").selectOption("up");
  await place.getByTestId("place-preview").click();
  await shown.waitFor();
  expect(await shown.getAttribute("data-host")).toBe("dgx-place");
  expect(await shown.getByTestId("placement-vf").count()).toBe(4);
  expect(await shown.getByTestId("placement-pf").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-link")))).not.toContain("down");
  const previewed = await shown.getByTestId("placement-vf").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-address")));
  expect(await shown.getByTestId("placement-guest").getAttribute("data-verdict")).toBe("pass");
  expect(await stack.db.assignment.count()).toBe(0);
  await page.screenshot({ path: join(RESULTS, "placement-preview.png"), fullPage: true });

  await place.getByTestId("place-confirm").click();
  await place.getByTestId("place-plan-link").click();
  await page.locator('[data-testid="plan-state"][data-state="succeeded"]').waitFor({ timeout: 120_000 });
  await page.screenshot({ path: join(RESULTS, "placement-plan.png"), fullPage: true });
  const attached = parseDomainXml(await virsh.dumpXml(guest, { inactive: true })).hostdevs;
  expect(attached).toHaveLength(4);
  expect(attached.map((h) => h.address).sort()).toEqual([...previewed].sort());

  await page.goto(`${stack.plane.url}/assignments`);
  const group = page.getByTestId(`assignments-${guest}`);
  await group.waitFor();
  expect(await group.getByTestId("assignment-row").count()).toBe(4);
  await group.getByTestId("release-preview-button").click();
  await group.getByTestId("release-confirm-button").click();
  // The group (and its link) goes once the release succeeds, which can be before a click lands: follow its address.
  const planHref = await group.getByTestId("release-plan-link").getAttribute("href");
  await page.goto(`${stack.plane.url}${planHref}`);
  await page.locator('[data-testid="plan-state"][data-state="succeeded"]').waitFor({ timeout: 120_000 });
  // The placement defined the guest; its release took every device, so it undefined it too.
  expect(await virsh.listDomains()).not.toContain(guest);
  await page.goto(`${stack.plane.url}/assignments`);
  await page.getByTestId("no-assignments").waitFor();
  expect((await stack.db.pool.findUniqueOrThrow({ where: { name: "cx5" } })).createdBy).toBe("dana");
});
