import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertLibvirtReachable, createVirsh } from "@vfleet/agent/libvirt";
import type { Inventory } from "@vfleet/protocol";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { apiClient, previewAndConfirm, waitFor, type Api } from "../test/jobs-helpers.ts";
import { axeViolations } from "../test/axe-violations.ts";
import { launchChromium } from "../test/launch-chromium.ts";
import { bearer, startTestStack, type TestStack } from "../test/start-test-stack.ts";

/**
 * The host page as an operator uses it in real Chromium, against real agents on simulated hosts:
 * finding a VF (search, keyboard, its panel and the changes it offers), the change form's
 * field-level answers and refusals before queueing, and the page on a 390 px phone screen.
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
const RESULTS = fileURLToPath(new URL("../test-results/", import.meta.url));
const virsh = createVirsh();
const placedGuest = `vfleet-hp-${process.pid}-${Date.now().toString(36)}`;

let stack: TestStack;
let fleet: Fleet;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let api: Api;
let workDir: string;
const ids: Record<string, string> = {};
const inventories: Record<string, Inventory> = {};

beforeAll(async () => {
  // The placement test defines its guest in the real libvirtd: say so up front when it is not running.
  await assertLibvirtReachable(virsh);
  workDir = await mkdtemp(join(tmpdir(), "vfleet-host-page-"));
  // The workstation's agent adopts its GTX 750 (and its audio) alone; the others keep the simulator's default.
  const policy = join(workDir, "gpu-policy.json");
  await writeFile(policy, JSON.stringify({ version: 1, adopt: ["0000:01:00.0", "0000:01:00.1"] }));
  await mkdir(RESULTS, { recursive: true });
  browser = await launchChromium();
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 8000 });
  fleet = await startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts: [
      { name: "dgx-hp", profile: "dgx2" },
      { name: "gpu-hp", profile: "gpu-workstation", agentArgs: ["--policy", policy] },
      { name: "igb-hp", profile: "intel-82576" },
    ],
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 1000,
    log: () => {},
  });
  api = apiClient(stack.plane.url, stack.tokens.operator);
  const hosts = await waitFor("three snapshots", async () => {
    const list = (await api.get("/api/v1/hosts")).body.hosts as { id: string; name: string; snapshotAt: string | null }[];
    return list.length === 3 && list.every((h) => h.snapshotAt) ? list : undefined;
  });
  for (const h of hosts) {
    ids[h.name] = h.id;
    inventories[h.name] = (await api.get(`/api/v1/hosts/${h.id}`)).body.inventory as Inventory;
  }
  // An operator's token on every request the page makes (pages and the form's fetches alike).
  context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, extraHTTPHeaders: bearer(stack.tokens.operator) });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.plane.url });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  await stack?.stop();
  await virsh.undefineDomain(placedGuest, { ifExists: true });
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const open = async (host: string) => {
  await page.goto(`${stack.plane.url}/hosts/${ids[host]}`);
  await page.getByTestId("host-name").waitFor();
};
const cells = () => page.locator('[data-testid="vf-cell"]');
const form = () => page.getByTestId("job-action-form");

/**
 * Press Tab until focus comes back to an element it already visited: every stop, described. An
 * element is known by a mark left on it, not by its description (the GPU table has many "needs
 * bind" links).
 */
async function tabStops(): Promise<string[]> {
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  await page.evaluate(() => document.querySelectorAll("[data-tab-visited]").forEach((el) => el.removeAttribute("data-tab-visited")));
  const stops: string[] = [];
  for (let i = 0; i < 600; i++) {
    await page.keyboard.press("Tab");
    const at = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body || el.hasAttribute("data-tab-visited")) return null;
      el.setAttribute("data-tab-visited", "");
      return `${el.tagName}|${el.dataset.testid ?? ""}|${el.dataset.address ?? el.textContent?.slice(0, 30) ?? ""}`;
    });
    if (at === null) break;
    stops.push(at);
  }
  return stops;
}

describe("finding a VF", () => {
  it("the DGX-2's 160 VFs are one tab stop per PF, with arrow keys inside a grid", async () => {
    await open("dgx-hp");
    await expect.poll(() => cells().count()).toBe(160);
    const stops = await tabStops();
    const vfStops = stops.filter((s) => s.includes("|vf-cell|"));
    console.log(`DGX-2 host page: ${stops.length} tab stops in all, ${vfStops.length} of them in the VF grids (one per VF was 160)`);
    expect(vfStops.length).toBe(10);

    const grid = page.getByTestId("vf-grid").first();
    const first = grid.getByTestId("vf-cell").first();
    await first.focus();
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.address)).toBe(
      await grid.getByTestId("vf-cell").nth(1).getAttribute("data-address"),
    );
    await page.keyboard.press("End");
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.address)).toBe(
      await grid.getByTestId("vf-cell").last().getAttribute("data-address"),
    );
    // Only the visited cell stays in the tab order.
    expect(await grid.locator('[data-testid="vf-cell"][tabindex="0"]').count()).toBe(1);
    await page.keyboard.press("Enter");
    const panel = page.getByTestId("vf-panel");
    expect(await panel.getAttribute("data-address")).toBe(await grid.getByTestId("vf-cell").last().getAttribute("data-address"));
    await page.keyboard.press("Escape");
    await expect.poll(() => panel.count()).toBe(0);
  });

  it("searches by guest and by address, and says how many match", async () => {
    await open("dgx-hp");
    const search = page.getByTestId("vf-search");
    await search.fill("dgx-guest");
    await expect.poll(() => page.getByTestId("vf-search-count").textContent()).toBe("80 of 160 VFs match");
    expect(await cells().count()).toBe(80);
    expect(await page.locator('[data-testid="vf-cell"]:not([data-state="assigned"])').count()).toBe(0);
    const vf = inventories["dgx-hp"]!.devices.find((d) => d.physfn && d.vfIndex === 5)!;
    await search.fill(vf.address);
    await expect.poll(() => cells().count()).toBe(1);
    expect(await cells().first().getAttribute("data-address")).toBe(vf.address);
    await search.fill("no-such-guest");
    await page.getByTestId("vf-search-none").waitFor();
    expect(await page.getByTestId("vf-search-count").textContent()).toBe("0 of 160 VFs match");
  });

  it("finds a VF by what ip link shows on the host (its interface's MAC and name) and names its interface, model, MSI-X and driver", async () => {
    const inv = inventories["dgx-hp"]!;
    const vf = inv.devices.find((d) => d.physfn && d.vfIndex === 8 && d.netInterfaces.length > 0)!;
    const netdev = inv.interfaces.find((i) => i.name === vf.netInterfaces[0])!;
    expect(netdev.mac).toMatch(/^[0-9a-f:]{17}$/);
    await open("dgx-hp");
    for (const query of [netdev.mac!, netdev.name]) {
      await page.getByTestId("vf-search").fill(query);
      await expect.poll(() => page.getByTestId("vf-search-count").textContent()).toBe("1 of 160 VFs match");
      expect(await cells().first().getAttribute("data-address")).toBe(vf.address);
    }
    await cells().first().click();
    const panel = page.getByTestId("vf-panel");
    const factText = async (key: string) => (await panel.getByTestId(`vf-fact-${key}`).textContent())?.trim();
    expect(await factText("netdev")).toBe(`Interface${netdev.name} Copy interface name · ${netdev.mac} · down, no carrier`);
    expect(await factText("model")).toBe(
      `ModelMellanox Technologies MT27800 Family [ConnectX-5 Virtual Function] [${vf.vendorId}:${vf.deviceId}]`,
    );
    expect(await factText("msix")).toBe(`MSI-X vectors${vf.msixVectors}`);
    expect(await factText("state")).toBe(`Stateneeds bind: bound to its host driver, ${vf.driver}`);
    expect(await factText("mac")).toBe("MAC set on the PFnot set (the PF reports 00:00:00:00:00:00)");
    // Its PF's card says the PF's own link, as ip link shows it.
    const pfNetdev = inv.interfaces.find((i) => i.name === inv.devices.find((d) => d.address === vf.physfn)!.netInterfaces[0])!;
    expect(await page.locator(`[data-testid="pf-card"][data-address="${vf.physfn}"]`).getByTestId("pf-link").textContent()).toBe(
      `link ${pfNetdev.operstate!.toLowerCase()}, ${pfNetdev.carrier ? "carrier" : "no carrier"}`,
    );
  });

  it("finds the seed's VF by its VLAN, shows every fact with the address to copy, and opens the detach prefilled", async () => {
    const pf = inventories["igb-hp"]!.devices.find((d) => d.sriov?.vfConfigs.some((c) => c.vlan === 42))!;
    const config = pf.sriov!.vfConfigs.find((c) => c.vlan === 42)!;
    const address = inventories["igb-hp"]!.devices.find((d) => d.physfn === pf.address && d.vfIndex === config.index)!.address;
    await open("igb-hp");
    await page.getByTestId("vf-search").fill("vlan 42");
    await expect.poll(() => cells().count()).toBe(1);
    await cells().first().click();
    const panel = page.getByTestId("vf-panel");
    expect(await panel.getAttribute("data-address")).toBe(address);
    const factText = async (key: string) => (await panel.getByTestId(`vf-fact-${key}`).textContent())?.trim();
    expect(await factText("pf")).toContain(`${pf.address} (${pf.netInterfaces[0]}), VF ${config.index}`);
    expect(await factText("mac")).toContain(config.mac!);
    expect(await factText("vlan")).toBe("VLAN42");
    expect(await factText("guest")).toBe("GuestguestVM (running)");
    for (const key of ["qos", "trust", "spoofchk", "link", "numa", "iommu", "driver", "assignment"])
      expect(await factText(key)).toBeTruthy();
    expect(await factText("trust")).toBe(`Trust${config.trust === null ? "could not tell" : config.trust ? "on" : "off"}`);
    // The search also finds it by MAC, in the other notation.
    await page.getByTestId("vf-search").fill(config.mac!.toUpperCase().replace(/:/g, "-"));
    await expect.poll(() => page.getByTestId("vf-search-count").textContent()).toBe(`1 of ${pf.sriov!.numVfs * 2} VFs match`);

    // The open panel passes the same accessibility check as every page.
    expect((await axeViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    await panel.getByTestId("vf-copy-address").click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(address);

    await panel.getByTestId("vf-action-detach").click();
    await expect.poll(() => form().getByTestId("job-kind").inputValue()).toBe("guest.detach");
    expect(await form().getByTestId("job-guest").inputValue()).toBe("guestVM");
    expect(await form().getByTestId("job-devices").inputValue()).toBe(address);
    expect(await form().getByTestId("job-live").isChecked()).toBe(true);
    // The seed holds it as <interface type='hostdev'>: the detach names it the same way.
    expect(await form().getByTestId("job-devkind").inputValue()).toBe("interface");
    await form().getByTestId("job-preview-button").click();
    await form().getByTestId("job-preview").waitFor();
    expect(await form().getByTestId("job-preview").getByTestId("preview-xml").count()).toBe(1);
    await page.screenshot({ path: join(RESULTS, "host-vf-panel.png") });
  });

  it("binds a VF to vfio-pci from its panel through preview and confirm, and the grid follows", async () => {
    await open("dgx-hp");
    const idle = page.locator('[data-testid="vf-cell"][data-state="host-driver"]').first();
    const address = (await idle.getAttribute("data-address"))!;
    await idle.click();
    await page.getByTestId("vf-panel").getByTestId("vf-action-bind").click();
    await expect.poll(() => form().getByTestId("job-device").inputValue()).toBe(address);
    expect(await form().getByTestId("job-driver").inputValue()).toBe("vfio-pci");
    await form().getByTestId("job-preview-button").click();
    expect(await form().getByTestId("job-preview").getByTestId("preview-change").first().textContent()).toContain(
      `${address}/driver_override`,
    );
    await form().getByTestId("job-confirm-button").click();
    await form().getByTestId("job-created").waitFor();
    await expect
      .poll(() => page.locator(`[data-testid="vf-cell"][data-address="${address}"]`).getAttribute("data-state"), { timeout: 30_000 })
      .toBe("vfio");
  });
  it("shows vfleet's assignment of a placed VF, with its pool and a link to its plan", { timeout: 120_000 }, async () => {
    expect(
      (
        await api.post("/api/v1/pools", {
          name: "cx5",
          selector: { vendorId: "15b3", deviceId: "1017" },
          macRange: { from: "02:00:00:6b:00:00", to: "02:00:00:6b:00:ff" },
        })
      ).status,
    ).toBe(201);
    // The DGX-2's ports with carrier are its guest's (seed 000): this VF goes on a port without link.
    const placed = await api.post("/api/v1/placements", {
      pool: "cx5",
      count: 1,
      link: "any",
      guest: { name: placedGuest, vcpus: 1, memoryMiB: 256 },
    });
    expect(placed.status, JSON.stringify(placed.body).slice(0, 300)).toBe(201);
    const planId = placed.body.plan.id as string;
    const done = await waitFor(
      "the placement plan",
      async () => {
        const p = (await api.get(`/api/v1/plans/${planId}`)).body;
        return p.plan.finishedAt ? p : undefined;
      },
      90_000,
      250,
    );
    expect(
      done.jobs.filter((j: { state: string }) => j.state !== "succeeded"),
      JSON.stringify(done.plan).slice(0, 300),
    ).toEqual([]);
    await open("dgx-hp");
    // The simulated hosts keep their guests' definitions in their own trees, so the guest defined in the
    // real libvirtd is not in the inventory: the search finds the VF by the guest vfleet assigned it to.
    await page.getByTestId("vf-search").fill(placedGuest);
    await expect.poll(() => cells().count(), { timeout: 20_000 }).toBe(1);
    await cells().first().click();
    const fact = page.getByTestId("vf-panel").getByTestId("vf-fact-assignment");
    expect(await fact.textContent()).toContain(`vfleet assignmentassigned for ${placedGuest}, pool cx5 · its plan`);
    expect(await fact.getByRole("link", { name: "its plan" }).getAttribute("href")).toBe(`/plans/${planId}`);
  });
});

describe("the change form", () => {
  it("on a host without SR-IOV starts at binding, and marks what the agent refuses before it is picked", async () => {
    await open("gpu-hp");
    expect(await form().getByTestId("job-kind").inputValue()).toBe("device.bind");
    expect(await form().locator('[data-testid="job-kind"] option[value="vf.set-count"]').isDisabled()).toBe(true);
    const option = (bdf: string) => form().locator(`[data-testid="job-device"] option[value="${bdf}"]`);
    // The SATA controller shares group 11 with the LPC bridge and SMBus; the NIC is in the default route's bridge; 00:01.0 is a root port.
    for (const [bdf, why] of [
      ["0000:00:1f.2", "IOMMU group 11 also holds 0000:00:1f.0 (lpc_ich)"],
      ["0000:00:1f.0", "a system bridge (class 0601)"],
      ["0000:04:00.0", "br0, which carries the host's default route"],
      ["0000:00:01.0", "a PCI bridge"],
    ] as const) {
      expect(await option(bdf).isDisabled(), bdf).toBe(true);
      expect(await option(bdf).textContent()).toContain(`the agent refuses: `);
      expect(await option(bdf).textContent()).toContain(why);
      // The API, and so the agent, agree: a dry run for it is refused.
      const dry = await api.post("/api/v1/jobs", {
        hostId: ids["gpu-hp"],
        dryRun: true,
        job: { kind: "device.bind", params: { device: bdf, driver: "vfio-pci" } },
      });
      expect(dry.status, bdf).toBe(400);
    }
    // The GTX 750 is bindable (already on vfio-pci, adopted); the default pick is one the agent accepts.
    expect(await option("0000:01:00.0").isDisabled()).toBe(false);
    const picked = await form().getByTestId("job-device").inputValue();
    expect(await option(picked).textContent()).not.toContain("the agent refuses");
  });

  it(
    "marks and disables a device the agent's policy did not adopt, before it is picked, and withholds Confirm when one is typed",
    { timeout: 60_000 },
    async () => {
      await open("gpu-hp");
      // The USB 3 controller is an endpoint alone in its group: only the agent's policy refuses it.
      const usb = form().locator('[data-testid="job-device"] option[value="0000:03:00.0"]');
      expect(await usb.isDisabled()).toBe(true);
      expect(await usb.textContent()).toContain(
        `the agent refuses: not adopted: the agent's policy adopts 0000:01:00.0, 0000:01:00.1; add 0000:03:00.0 to "adopt"`,
      );
      expect(await form().getByTestId("job-adoption-note").textContent()).toContain("by the policy its agent reported");

      // The attach pick list carries the same marks, and the guest's own devices stay pickable
      // (the marks are drawn for whichever guest is typed: a new name shows what another guest holds).
      await form().getByTestId("job-kind").selectOption("guest.attach");
      await form().getByTestId("job-guest").fill("other-vm");
      const pick = (bdf: string) => form().locator(`[data-testid="job-device-pick"][data-address="${bdf}"]`);
      const refusedText = async (bdf: string) => ({
        disabled: await pick(bdf).locator("input").isDisabled(),
        text: await pick(bdf).textContent(),
      });
      expect(await refusedText("0000:03:00.0")).toMatchObject({ disabled: true, text: expect.stringContaining("not adopted") });
      expect(await refusedText("0000:00:1f.0")).toMatchObject({
        disabled: true,
        text: expect.stringContaining("a system bridge (class 0601)"),
      });
      expect(await refusedText("0000:04:00.0")).toMatchObject({
        disabled: true,
        text: expect.stringContaining("carries the host's default route"),
      });
      expect(await refusedText("0000:01:00.0")).toMatchObject({
        disabled: true,
        text: expect.stringContaining("held by the guest win-gtx750"),
      });
      await form().getByTestId("job-guest").fill("win-gtx750");
      expect(await pick("0000:01:00.0").locator("input").isDisabled()).toBe(false);
      // Picking writes the address into the text field, which still takes addresses typed by hand.
      await pick("0000:01:00.0").locator("input").check();
      await pick("0000:01:00.1").locator("input").check();
      expect(await form().getByTestId("job-devices").inputValue()).toBe("0000:01:00.0\n0000:01:00.1");
      await pick("0000:01:00.0").locator("input").uncheck();
      expect(await form().getByTestId("job-devices").inputValue()).toBe("0000:01:00.1");
      expect((await axeViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);

      // Typed by hand, the unadopted device is checked in the list, and the preview's refusal withholds Confirm.
      await form().getByTestId("job-devices").fill("0000:03:00.0");
      expect(await pick("0000:03:00.0").locator("input").isChecked()).toBe(true);
      await form().getByTestId("job-preview-button").click();
      await form().getByTestId("job-preview").waitFor();
      expect(await form().getByTestId("job-confirm-button").isDisabled()).toBe(true);
      expect(await form().getByTestId("job-confirm-blocked").textContent()).toContain("0000:03:00.0 is not adopted");
      await page.screenshot({ path: join(RESULTS, "host-attach-pick-list.png") });
    },
  );

  it("withholds Confirm with the reason when the preview says the agent will refuse", async () => {
    await open("gpu-hp");
    await form().getByTestId("job-device").selectOption("0000:01:00.0");
    await form().getByTestId("job-driver").selectOption("host");
    await form().getByTestId("job-preview-button").click();
    await form().getByTestId("job-preview").waitFor();
    expect(await form().getByTestId("job-confirm-button").isDisabled()).toBe(true);
    expect(await form().getByTestId("job-confirm-blocked").textContent()).toContain("held by the running guest win-gtx750");
  });

  it("says what is wrong beside the field, in plain words", async () => {
    await open("igb-hp");
    await form().getByTestId("job-kind").selectOption("vf.set-count");
    await form().getByTestId("job-count").fill("9");
    await form().getByTestId("job-preview-button").click();
    const err = form().getByTestId("field-error-count");
    await err.waitFor();
    expect(await err.textContent()).toMatch(/^must be at most 7 \(sriov_totalvfs of 0000:03:00\.\d\), got 9$/);
    expect(await form().getByTestId("job-count").getAttribute("aria-invalid")).toBe("true");
    expect(await form().getByTestId("job-count").getAttribute("aria-describedby")).toBe("job-err-count");
    expect(await form().textContent()).not.toContain("job.params");
    expect(await form().getByTestId("job-error").count()).toBe(0);
    await form().getByTestId("job-count").fill("many");
    await form().getByTestId("job-preview-button").click();
    await expect.poll(() => form().getByTestId("field-error-count").textContent()).toBe("must be a number");

    await form().getByTestId("job-kind").selectOption("guest.attach");
    await form().getByTestId("job-devices").fill("0000:03:10.0\n0000:99:00.0");
    await form().getByTestId("job-preview-button").click();
    await expect
      .poll(() => form().getByTestId("field-error-devices").textContent())
      .toBe("line 2: no PCI device 0000:99:00.0 on this host");
    expect((await axeViolations(page)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });

  it("keeps the preview when Confirm fails, with the reason", async () => {
    // The host is offline and a job for the same PF already waits: Confirm meets the conflict.
    await fleet.stopHost("igb-hp");
    await waitFor(
      "igb-hp offline",
      async () => ((await api.get(`/api/v1/hosts/${ids["igb-hp"]}`)).body.host.online === false ? true : undefined),
      30_000,
    );
    const inv = (await api.get(`/api/v1/hosts/${ids["igb-hp"]}`)).body.inventory as Inventory;
    const held = new Set(inv.guests.flatMap((g) => g.hostdevs.map((h) => h.address)));
    const pf = inv.devices.find((d) => d.sriov && !d.sriov.vfs.some((vf) => held.has(vf)))!.address;
    const waiting = await previewAndConfirm(api, "/api/v1/jobs", {
      hostId: ids["igb-hp"],
      job: { kind: "vf.set-count", params: { pf, count: 3 } },
    });
    expect(waiting.status).toBe(201);
    await open("igb-hp");
    await form().getByTestId("job-kind").selectOption("vf.set-count");
    await form().getByTestId("job-pf").selectOption(pf);
    await form().getByTestId("job-count").fill("5");
    await form().getByTestId("job-preview-button").click();
    await form().getByTestId("job-preview").waitFor();
    await form().getByTestId("job-queue-offline").check();
    await form().getByTestId("job-confirm-button").click();
    await form().getByTestId("job-error").waitFor();
    expect(await form().getByTestId("job-error").textContent()).toContain("see that job");
    expect(await form().getByTestId("job-preview").count()).toBe(1);
    expect(await form().getByTestId("job-confirm-button").count()).toBe(1);
    await api.post(`/api/v1/jobs/${waiting.body.job.id}/cancel`, {});
  });
});

describe("in the dark colour scheme", () => {
  it("the open VF panel and the form's field errors have no serious accessibility violation", async () => {
    const dark = await browser.newPage({
      viewport: { width: 1440, height: 1000 },
      colorScheme: "dark",
      extraHTTPHeaders: bearer(stack.tokens.operator),
    });
    await dark.goto(`${stack.plane.url}/hosts/${ids["dgx-hp"]}`);
    await dark.getByTestId("vf-cell").first().click();
    await dark.getByTestId("vf-panel").waitFor();
    await dark.getByTestId("job-kind").selectOption("vf.set-count");
    await dark.getByTestId("job-count").fill("99");
    await dark.getByTestId("job-preview-button").click();
    await dark.getByTestId("field-error-count").waitFor();
    expect((await axeViolations(dark)).map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await dark.close();
  });
});

describe("on a 390 px phone screen", () => {
  it("the host page does not scroll sideways; wide tables scroll inside their own box", async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    for (const host of ["dgx-hp", "gpu-hp"]) {
      await phone.goto(`${stack.plane.url}/hosts/${ids[host]}`);
      await phone.getByTestId("host-name").waitFor();
      if (host === "dgx-hp") {
        await phone.getByTestId("vf-cell").first().click();
        await phone.getByTestId("vf-panel").waitFor();
      }
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      console.log(`${host} at 390 px: document scrollWidth ${width}`);
      expect(width, host).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: join(RESULTS, `host-390-${host}.png`) });
    }
    await phone.close();
  });
});
