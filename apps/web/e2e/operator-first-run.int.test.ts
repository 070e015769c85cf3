import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildGuestDomainXml, whyNotAssignable } from "@vfleet/core";
import { assertLibvirtReachable, createVirsh } from "@vfleet/agent/libvirt";
import { createSimulatedHostIO } from "@vfleet/agent/host-io/simulated";
import type { Fleet } from "@vfleet/simulator/fleet";
import { apiClient, previewAndConfirm, waitFor } from "../test/jobs-helpers.ts";
import { launchChromium } from "../test/launch-chromium.ts";
import { signInPage } from "../test/sign-in-page.ts";
import { startSimFleet } from "../test/start-sim-fleet.ts";
import { bearer, createUser, startTestStack, TEST_PASSWORD, type TestStack } from "../test/start-test-stack.ts";

/**
 * What a new operator met on a fresh install, in one control plane with one real agent on a
 * simulated 82576 host (and real libvirtd for the one placement): the admin page manages users
 * (a table with headers; change role, reset password, sign out, delete; never the last admin)
 * and shows token expiry in days; the capacity charts open on a window that shows a new
 * install's first minutes; pools are made from the fleet's models by name, read back in words
 * and deleted unless they hold functions; the PCI table opens on what can be passed through;
 * the host page says whether its inventory is current or stale.
 */
const RESULTS = fileURLToPath(new URL("../test-results/", import.meta.url));
const HOST = "x82576-ops";
const virsh = createVirsh();
const guest = `vfleet-ops-${process.pid}-${Date.now().toString(36)}`;
/** A guest defined with virsh, not vfleet: its VFs are drift. */
const outsider = `${guest}-outside`;

let stack: TestStack;
let fleet: Fleet;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let workDir: string;
let hostId: string;
/** When this install began: its capacity history cannot be older. */
let installedAt: number;

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
  await mkdir(RESULTS, { recursive: true });
  workDir = await mkdtemp(join(tmpdir(), "vfleet-ops-e2e-"));
  browser = await launchChromium();
  installedAt = Date.now();
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 5000 });
  fleet = await startSimFleet(stack, workDir, [{ name: HOST, profile: "intel-82576" }]);
  hostId = await waitFor("the host's first snapshot", async () => {
    const host = await stack.db.host.findFirst({ where: { name: HOST, snapshotAt: { not: null } }, select: { id: true } });
    return host?.id;
  });
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  page = await context.newPage();
  page.on("dialog", (d) => void d.accept());
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  await stack?.stop();
  await virsh.undefineDomain(guest, { ifExists: true });
  await virsh.undefineDomain(outsider, { ifExists: true });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const userRow = (username: string) => page.locator(`[data-testid="user-row"][data-username="${username}"]`);

it(
  "manages users from a table with headers, never removing the last admin, and shows token expiry in days",
  { timeout: 180_000 },
  async () => {
    await createUser(stack.admin, "boss", "admin");
    await createUser(stack.admin, "ops1", "operator");
    await signInPage(page, stack.plane.url, "boss", TEST_PASSWORD, "/admin");
    await page.goto(`${stack.plane.url}/admin`);
    const users = page.getByTestId("admin-users");
    expect(await users.locator("thead th").allTextContents()).toEqual(["User", "Role", "Created", "Actions"]);
    expect(await userRow("boss").textContent()).toContain("(you)");

    // Change ops1's role: the table and the database say viewer.
    await userRow("ops1").getByTestId("user-role-select").selectOption("viewer");
    await userRow("ops1").getByTestId("user-role-save").click();
    await waitFor("ops1's new role on the page", async () =>
      (await userRow("ops1").getByTestId("user-role").textContent()) === "viewer" ? true : undefined,
    );
    expect((await stack.db.user.findUnique({ where: { username: "ops1" } }))?.role).toBe("viewer");

    // Reset ops1's password: the new one signs in.
    await userRow("ops1").getByTestId("user-password-reset").click();
    await userRow("ops1").getByTestId("user-password-input").fill("a new password 42");
    await userRow("ops1").getByTestId("user-password-save").click();
    await waitFor("the reset's answer", async () =>
      (await userRow("ops1").getByTestId("user-action-result").textContent())?.includes("password of ops1 reset") ? true : undefined,
    );
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signInPage(otherPage, stack.plane.url, "ops1", "a new password 42");
    await other.close();

    // boss is the only admin user: deleting or demoting them is refused, and the page says why.
    await userRow("boss").getByTestId("user-delete").click();
    const refusal = userRow("boss").getByTestId("user-action-result");
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain("boss is the last admin");
    await userRow("boss").getByTestId("user-role-select").selectOption("operator");
    await userRow("boss").getByTestId("user-role-save").click();
    await waitFor("the demotion's refusal", async () =>
      (await refusal.textContent())?.includes("making them operator") ? true : undefined,
    );
    expect((await stack.db.user.findUnique({ where: { username: "boss" } }))?.role).toBe("admin");

    // ops1 can be deleted.
    await userRow("ops1").getByTestId("user-delete").click();
    await waitFor("ops1's row gone", async () => ((await userRow("ops1").count()) === 0 ? true : undefined));
    expect(await stack.db.user.findUnique({ where: { username: "ops1" } })).toBeNull();

    // A token's lifetime is chosen in days, and its expiry reads as a date and days from now.
    await page.getByTestId("create-token-name").fill("nightly-report");
    await page.getByTestId("create-token-ttlSec").selectOption({ label: "in 7 days" });
    await page.getByTestId("create-token").getByRole("button", { name: "Create token" }).click();
    await page.getByTestId("create-token-token").waitFor();
    const row = page.getByTestId("token-row").filter({ hasText: "nightly-report" });
    await row.waitFor();
    const expiry = await row.getByTestId("token-expiry").textContent();
    const date = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    expect(expiry).toBe(`${date} (in 7 days)`);
    await page.screenshot({ path: join(RESULTS, "admin-users.png"), fullPage: true });
  },
);

it("opens the capacity charts on the new install's first minutes, not a spike at the edge of 24 hours", { timeout: 120_000 }, async () => {
  const api = await context.request.get(`${stack.plane.url}/api/v1/capacity-history`, { headers: bearer(stack.tokens.viewer) });
  expect((await api.json()) as object).not.toHaveProperty("sinceFirstReport");
  for (const path of ["/capacity", `/hosts/${hostId}/capacity`]) {
    await page.goto(`${stack.plane.url}${path}`);
    const times = await page
      .getByTestId("capacity-window")
      .locator("time")
      .evaluateAll((ts) => ts.map((t) => t.getAttribute("datetime")!));
    const spanMin = (Date.parse(times[1]!) - Date.parse(times[0]!)) / 60_000;
    // The window is this install's life so far and a margin (10 minutes at least), not 24 h, however slow the machine.
    const ageMin = (Date.now() - installedAt) / 60_000;
    expect(spanMin, path).toBeGreaterThanOrEqual(10);
    expect(spanMin, path).toBeLessThanOrEqual(Math.max(10, ageMin * 1.05) + 1);
    expect(await page.getByTestId("range-auto").getAttribute("aria-current")).toBe("page");
    // The chosen ranges are still there, and still 24 hours long.
    await page.getByTestId("range-24").click();
    await page.waitForURL(/hours=24/);
    const chosen = await page
      .getByTestId("capacity-window")
      .locator("time")
      .evaluateAll((ts) => ts.map((t) => t.getAttribute("datetime")!));
    expect((Date.parse(chosen[1]!) - Date.parse(chosen[0]!)) / 3_600_000).toBeCloseTo(24, 1);
  }
  await page.goto(`${stack.plane.url}/capacity`);
  await page.screenshot({ path: join(RESULTS, "capacity-first-minutes.png"), fullPage: true });
});

it(
  "makes a pool from the fleet's models by name, shows it in words, and deletes it only once nothing is held",
  { timeout: 300_000 },
  async () => {
    await page.goto(`${stack.plane.url}/pools`);
    const form = page.getByTestId("pool-form");
    // Nothing typed: no preview, no error.
    expect(await form.getByTestId("pool-error").count()).toBe(0);
    const models = await form.getByTestId("pool-model").locator("option").allTextContents();
    expect(models).toContain("Intel Corporation 82576 Gigabit Network Connection (8086:10c9) · 2 PFs, up to 14 VFs, on 1 host");
    // The PF names in use are offered.
    expect(
      await form.locator('[data-testid="pool-pfNames-choices"] option').evaluateAll((os) => os.map((o) => o.getAttribute("value"))),
    ).toEqual(["enp3s0f0", "enp3s0f1"]);
    await form.getByTestId("pool-name").fill("igb");
    await form.getByTestId("pool-model").selectOption({ label: models.find((m) => m.includes("8086:10c9"))! });
    expect(await form.getByTestId("pool-vendorId").inputValue()).toBe("8086");
    expect(await form.getByTestId("pool-deviceId").inputValue()).toBe("10c9");
    await form.getByTestId("pool-pfNames").fill("enp3s0f0");
    await form.getByTestId("pool-save").click();
    await form.getByTestId("pool-saved").waitFor();
    expect(await form.getByTestId("pool-preview").textContent()).not.toContain("nothing is saved");
    const pool = page.getByTestId("pool-igb");
    await pool.waitFor();
    expect(await pool.getByTestId("pool-selector").textContent()).toBe(
      "VFs of PFs: Intel Corporation 82576 Gigabit Network Connection (8086:10c9) · PFs enp3s0f0",
    );
    expect(await pool.textContent()).not.toContain('{"');

    // A placement holds a VF of the pool: deleting it is refused, and the page says why.
    const api = apiClient(stack.plane.url, stack.tokens.operator);
    const placed = await api.post("/api/v1/placements", { pool: "igb", count: 1, guest: { name: guest, vcpus: 1, memoryMiB: 256 } });
    expect(placed.status, JSON.stringify(placed.body).slice(0, 400)).toBe(201);
    await page.reload();
    await pool.getByTestId("pool-delete").click();
    await waitFor("the refusal", async () => ((await pool.textContent())?.includes("release them first") ? true : undefined));
    expect(await pool.textContent()).toContain(`pool igb holds 1 reserved or assigned function (${guest} (1)); release them first`);
    expect(await stack.db.pool.count({ where: { name: "igb" } })).toBe(1);
    await waitFor(
      "the placement plan",
      async () => ((await api.get(`/api/v1/plans/${placed.body.plan.id}`)).body.plan.finishedAt ? true : undefined),
      180_000,
    );

    // A pool that holds nothing goes.
    const spare = await api.post("/api/v1/pools", { name: "spare", selector: { vendorId: "8086", deviceId: "10c9" } });
    expect(spare.status).toBe(201);
    await page.reload();
    await page.getByTestId("pool-spare").getByTestId("pool-delete").click();
    await waitFor("the spare pool gone", async () => ((await page.getByTestId("pool-spare").count()) === 0 ? true : undefined));
    expect(await stack.db.pool.count({ where: { name: "spare" } })).toBe(0);
    await page.screenshot({ path: join(RESULTS, "pools-by-name.png"), fullPage: true });
  },
);

it(
  "groups VFs attached outside vfleet by guest and adopts them as they are, to be released like any other",
  { timeout: 300_000 },
  async () => {
    const api = apiClient(stack.plane.url, stack.tokens.operator);
    const pf = "0000:03:00.1";
    const counted = await previewAndConfirm(api, "/api/v1/jobs", { hostId, job: { kind: "vf.set-count", params: { pf, count: 2 } } });
    expect(counted.status, JSON.stringify(counted.body).slice(0, 400)).toBe(201);
    const vfs = await waitFor(
      "two VFs of enp3s0f1 stored",
      async () => {
        const rows = await stack.db.pciDevice.findMany({
          where: { hostId, physfn: pf },
          select: { address: true },
          orderBy: { address: "asc" },
        });
        return rows.length === 2 ? rows.map((r) => r.address) : undefined;
      },
      120_000,
    );
    // Someone attaches them by hand, with virsh.
    await virsh.defineDomain(
      buildGuestDomainXml({ name: outsider, vcpus: 1, memoryMiB: 256, machine: "q35", hostdevs: vfs.map((address) => ({ address })) }),
    );
    // A simulated host reads its guests from its tree: copy libvirt's definition in, as the agent
    // does after its own guest jobs (a real host's scan asks libvirt itself).
    await createSimulatedHostIO(fleet.hosts[0]!.root).syncGuest(outsider);
    await waitFor(
      "the outsider's VFs in the stored inventory",
      async () => ((await stack.db.guestHostdev.count({ where: { hostId, guestName: outsider } })) === 2 ? true : undefined),
      180_000,
    );
    const plansBefore = await stack.db.plan.count();
    await page.goto(`${stack.plane.url}/assignments`);
    const drift = page.getByTestId(`drift-${outsider}`);
    await drift.waitFor();
    expect(await drift.getByTestId("drift-addresses").textContent()).toBe(vfs.join(" "));
    expect(await drift.textContent()).toContain(`${outsider} on ${HOST}: 2 VFs`);
    await page.screenshot({ path: join(RESULTS, "drift-grouped.png"), fullPage: true });

    await drift.getByTestId("drift-adopt").click();
    const adopted = page.getByTestId(`assignments-${outsider}`);
    await adopted.waitFor();
    expect(await page.getByTestId(`drift-${outsider}`).count()).toBe(0);
    const rows = await stack.db.assignment.findMany({ where: { hostId, guest: outsider }, orderBy: { address: "asc" } });
    expect(rows.map((r) => [r.address, r.state, r.pf])).toEqual(vfs.map((a) => [a, "assigned", pf]));
    // Recorded, not changed: no plan, no job.
    expect(await stack.db.plan.count()).toBe(plansBefore);
    expect(await virsh.dumpXml(outsider, { inactive: true })).toContain(`function='0x${vfs[0]!.slice(-1)}'`);
    // From now on its release is previewed like any other.
    await adopted.getByTestId("release-preview-button").click();
    await adopted.getByTestId("release-preview").waitFor();
    expect(await adopted.getByTestId("release-preview-row").count()).toBe(2);
    // vfleet did not define this guest: its release never undefines it, and says so.
    const guestLine = adopted.getByTestId("release-preview-guest");
    expect(await guestLine.textContent()).toBe(
      `${outsider} was not defined by vfleet: it stays defined in libvirt (vfleet never undefines a guest it did not define).`,
    );
    expect(await guestLine.getAttribute("data-undefines")).toBe("no");
    await adopted.getByTestId("release-preview").locator("summary").click();
    expect((await adopted.getByTestId("job-preview").allTextContents()).join("\n")).not.toContain("guest.undefine");
  },
);

it("opens the PCI table on what can be passed through, the rest one click away", { timeout: 120_000 }, async () => {
  await page.goto(`${stack.plane.url}/hosts/${hostId}`);
  const inventory = (await stack.db.pciDevice.findMany({ where: { hostId }, include: { physical: true } })).map((d) => ({
    address: d.address,
    classCode: d.classCode,
    physfn: d.physfn,
    sriov: d.physical ? { numVfs: d.physical.numVfs } : null,
  }));
  const passthrough = inventory.filter((d) => !d.physfn && whyNotAssignable(d as Parameters<typeof whyNotAssignable>[0]) === null);
  const rest = inventory.filter((d) => !d.physfn && whyNotAssignable(d as Parameters<typeof whyNotAssignable>[0]) !== null);
  expect(rest.length).toBeGreaterThan(0);
  const rows = page.getByTestId("device-row");
  expect((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-address")))).sort()).toEqual(
    passthrough.map((d) => d.address).sort(),
  );
  expect(await page.getByTestId("device-count").textContent()).toContain("(passthrough-capable only)");
  await page.getByTestId("device-show-all").check();
  await expect.poll(() => rows.count()).toBe(passthrough.length + rest.length);
  expect(
    await page.locator(`[data-testid="device-row"][data-address="0000:00:01.0"]`).getByTestId("device-not-assignable").textContent(),
  ).toContain("a PCI bridge");
});

it(
  "gives the API reference an index, a search and a curl example per operation, folded to one line each",
  { timeout: 120_000 },
  async () => {
    await page.goto(`${stack.plane.url}/api-docs`);
    const operations = page.getByTestId("api-operation");
    const total = await operations.count();
    expect(total).toBeGreaterThan(40);
    // Folded: the whole reference is a few screens, not 13,600 px.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(4500);
    const groups = await page.getByTestId("api-index-link").allTextContents();
    expect(groups).toEqual(expect.arrayContaining(["hosts", "pools", "assignments", "users"]));
    await page
      .getByTestId("api-index-link")
      .filter({ hasText: /^pools$/ })
      .click();
    await page.waitForURL(/#group-pools$/);
    await page.getByTestId("api-search").fill("release");
    await expect.poll(() => operations.count()).toBeLessThan(total);
    const release = operations.filter({ hasText: "/api/v1/assignments/release" });
    await release.locator("summary").first().click();
    expect(await release.getByTestId("api-curl").textContent()).toBe(
      [
        `curl -sS -X POST "$VFLEET_URL/api/v1/assignments/release"`,
        `  -H "Authorization: Bearer $VFLEET_TOKEN"`,
        `  -H 'Content-Type: application/json'`,
        `  -d '{"hostId":"<hostId>","guest":"<guest>","dryRun":true}'`,
      ].join(" \\\n"),
    );
    await page.screenshot({ path: join(RESULTS, "api-docs.png"), fullPage: true });
  },
);

it("says an online host's inventory is current and flags it stale once the agent is gone", { timeout: 120_000 }, async () => {
  await page.goto(`${stack.plane.url}/hosts/${hostId}`);
  const age = page.getByTestId("scan-age");
  expect(await age.getAttribute("data-stale")).toBe("false");
  expect(await age.textContent()).toContain("inventory current (agent online)");
  await fleet.stopHost(HOST);
  await waitFor("the host offline", async () =>
    (await stack.db.host.findUnique({ where: { id: hostId }, select: { online: true } }))?.online === false ? true : undefined,
  );
  await page.goto(`${stack.plane.url}/hosts/${hostId}`);
  expect(await age.getAttribute("data-stale")).toBe("true");
  expect(await age.textContent()).toMatch(/^stale: inventory as of .+ ago, agent offline$/);
});
