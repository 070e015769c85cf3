import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_ACTOR } from "@vfleet/db";
import { injectAerErrors } from "@vfleet/simulator";
import type { Fleet } from "@vfleet/simulator/fleet";
import { apiClient, waitFor, type Api } from "../test/jobs-helpers.ts";
import { launchChromium } from "../test/launch-chromium.ts";
import { startSimFleet } from "../test/start-sim-fleet.ts";
import { bearer, startTestStack, type TestStack } from "../test/start-test-stack.ts";

/**
 * Device health end to end on a real agent process: the simulated DGX-2's ConnectX-5 PF reports
 * PCIe errors in its `aer_dev_*` files (the kernel's format), the agent reads the totals and
 * reports them, and the control plane moves the PF healthy -> degraded -> quarantined at the
 * default thresholds (a pool's own thresholds for the PF it selects): a quarantined PF's VFs are
 * never placed, it is flagged on the API, fleet and host pages (Chromium, 1440 and 390 px, light
 * and dark) and in /metrics, the audit log holds the counters as evidence, and only an
 * operator's return to service gives it back, after which the old errors do not count again.
 */
const RESULTS = fileURLToPath(new URL("../test-results/", import.meta.url));
const HOST = `dgx-health-${process.pid}`;

let stack: TestStack;
let fleet: Fleet;
let browser: Browser;
let api: Api;
let workDir: string;
let hostId: string;
let root: string;
/** Two ConnectX-5 PFs whose VFs no guest holds. */
let PF: string;
let PF2: string;

type Device = { address: string; physfn: string | null; health: string; aer: Record<string, number | null> | null };
const devices = async () => (await api.get(`/api/v1/hosts/${hostId}`)).body.inventory.devices as Device[];
const device = async (address: string) => (await devices()).find((d) => d.address === address)!;
const healthOf = (address: string, health: string) =>
  waitFor(`${address} ${health}`, async () => ((await device(address)).health === health ? true : undefined), 120_000);
const metrics = async () => (await fetch(`${stack.plane.url}/metrics`)).text();
const placeOn = (pool: string) =>
  api.post("/api/v1/placements", {
    pool,
    count: 2,
    numa: "none",
    link: "any",
    host: HOST,
    dryRun: true,
    guest: { name: "g-health", vcpus: 2, memoryMiB: 1024 },
  });
const put = async (path: string, body: unknown) => {
  const res = await fetch(`${stack.plane.url}${path}`, {
    method: "PUT",
    headers: { "content-type": "application/json", ...bearer(stack.tokens.operator) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
};

beforeAll(async () => {
  await mkdir(RESULTS, { recursive: true });
  workDir = await mkdtemp(join(tmpdir(), "vfleet-health-e2e-"));
  browser = await launchChromium();
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 8000 });
  fleet = await startSimFleet(stack, workDir, [{ name: HOST, profile: "dgx2" }]);
  root = fleet.hosts[0]!.root;
  api = apiClient(stack.plane.url, stack.tokens.operator);
  // A DGX-2's first scan and snapshot can take a minute or more on a loaded machine.
  hostId = await waitFor(
    "the DGX-2's snapshot",
    async () => ((await api.get("/api/v1/hosts")).body.hosts as { id: string; snapshotAt: string | null }[]).find((h) => h.snapshotAt)?.id,
    180_000,
  );
  const inv = (await api.get(`/api/v1/hosts/${hostId}`)).body.inventory as {
    devices: { address: string; vendorId: string; sriov: { vfs: string[] } | null }[];
    guests: { hostdevs: { address: string }[] }[];
  };
  const held = new Set(inv.guests.flatMap((g) => g.hostdevs.map((h) => h.address)));
  const free = inv.devices.filter(
    (d) => d.vendorId === "15b3" && d.sriov && d.sriov.vfs.length >= 2 && !d.sriov.vfs.some((v) => held.has(v)),
  );
  [PF, PF2] = [free[0]!.address, free[1]!.address];
  expect((await api.post("/api/v1/pools", { name: "one-pf", selector: { addresses: [PF] } })).status).toBe(201);
  const strict = await api.post("/api/v1/pools", {
    name: "strict-pf",
    selector: { addresses: [PF2] },
    health: { quarantined: { correctable: 3 } },
  });
  expect(strict.status, JSON.stringify(strict.body)).toBe(201);
  expect(strict.body.pool.health).toEqual({ quarantined: { correctable: 3 } });
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function openPage(path: string, width: number, scheme: "light" | "dark"): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width, height: 1000 },
    colorScheme: scheme,
    extraHTTPHeaders: bearer(stack.tokens.viewer),
  });
  await page.goto(`${stack.plane.url}${path}`);
  return page;
}

describe("device health from AER counters", () => {
  it("reports the counters, and says could not tell for a device without them", { timeout: 120_000 }, async () => {
    const all = await devices();
    const pf = all.find((d) => d.address === PF)!;
    expect(pf).toMatchObject({ aer: { correctable: 0, nonfatal: 0, fatal: 0 }, health: "healthy" });
    // A VF has no AER statistics of its own: it shares its PF's link and takes its PF's health.
    expect(all.find((d) => d.physfn === PF)).toMatchObject({ aer: null, health: "healthy" });
    // The LPC bridge is no PCIe function: no aer_dev_* files, so no health either way.
    expect(all.find((d) => d.address === "0000:00:1f.0")).toMatchObject({ aer: null, health: "unknown" });
  });

  it(
    "degrades, then quarantines a PF on its counters; its VFs are never placed until an operator returns it",
    { timeout: 420_000 },
    async () => {
      await injectAerErrors(root, { device: PF, severity: "correctable", count: 10 });
      await healthOf(PF, "degraded");
      expect((await device(PF)).aer).toEqual({ correctable: 10, nonfatal: 0, fatal: 0 });
      const degraded = await stack.db.auditEvent.findFirstOrThrow({ where: { hostId, action: "device.degraded" } });
      expect(degraded.actor).toBe(HEALTH_ACTOR);
      expect(degraded.after).toMatchObject({ aer: { correctable: 10, nonfatal: 0, fatal: 0 }, reached: ["correctable 10 >= 10"] });
      expect(await metrics()).toMatch(new RegExp(`^vfleet_devices_degraded\\{host="${HOST}"\\} 1$`, "m"));
      // Degraded is a warning: still placed.
      expect((await placeOn("one-pf")).status).toBe(200);

      await injectAerErrors(root, { device: PF, severity: "fatal", error: "SDES" });
      await healthOf(PF, "quarantined");
      const vfs = (await devices()).filter((d) => d.physfn === PF);
      expect(vfs.every((v) => v.health === "quarantined")).toBe(true);
      const quarantined = await stack.db.auditEvent.findFirstOrThrow({ where: { hostId, action: "device.quarantined" } });
      expect(quarantined.actor).toBe(HEALTH_ACTOR);
      expect(quarantined.summary).toContain("fatal 1 >= 1");
      expect(quarantined.after).toMatchObject({ aer: { correctable: 10, nonfatal: 0, fatal: 1 }, reached: ["fatal 1 >= 1"] });
      const refused = await placeOn("one-pf");
      expect(refused.status, JSON.stringify(refused.body).slice(0, 300)).toBe(409);
      expect(refused.body.error).toMatch(new RegExp(`\\(quarantined, not counted: \\d+ on ${HOST}\\)`));
      const host = (await api.get(`/api/v1/hosts/${hostId}`)).body;
      expect(host.quarantined).toMatchObject([{ address: PF, by: HEALTH_ACTOR }]);
      expect(host.host.deviceHealth).toEqual({ quarantined: 1, degraded: 0 });
      const text = await metrics();
      expect(text).toMatch(new RegExp(`^vfleet_devices_quarantined\\{host="${HOST}"\\} 1$`, "m"));
      expect(text).not.toMatch(new RegExp(`^vfleet_devices_degraded\\{host="${HOST}"\\}`, "m"));

      // Flagged on the fleet and host pages, with the counters.
      for (const [width, scheme] of [
        [1440, "light"],
        [390, "dark"],
      ] as const) {
        const fleetPage = await openPage("/", width, scheme);
        const row = fleetPage.getByTestId(`host-row-${HOST}`);
        await row.waitFor();
        expect(await row.getByTestId("host-devices-quarantined").textContent()).toBe("1 quarantined");
        await fleetPage.screenshot({ path: join(RESULTS, `health-fleet-${width}-${scheme}.png`), fullPage: false });
        await fleetPage.close();
        const page = await openPage(`/hosts/${hostId}`, width, scheme);
        const listed = page.locator(`[data-testid="quarantined-device"][data-address="${PF}"]`);
        await listed.waitFor();
        expect(await listed.textContent()).toContain(HEALTH_ACTOR);
        await page.getByTestId("device-show-all").check();
        const pfRow = page.locator(`[data-testid="device-row"][data-address="${PF}"]`);
        expect(await pfRow.getByTestId("device-quarantined").count()).toBe(1);
        expect(await pfRow.getByTestId("device-aer").textContent()).toBe("AER: 10 correctable, 0 nonfatal, 1 fatal");
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
        await pfRow.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(RESULTS, `health-host-${width}-${scheme}.png`), fullPage: false });
        await page.close();
      }

      // More errors never return it; an operator does, and the errors before that do not count again.
      await injectAerErrors(root, { device: PF, severity: "correctable" });
      await waitFor("the 11th correctable error", async () => ((await device(PF)).aer?.correctable === 11 ? true : undefined), 120_000);
      expect((await device(PF)).health).toBe("quarantined");
      const back = await put(`/api/v1/hosts/${hostId}/devices/${PF}/quarantine`, { quarantined: false });
      expect(back.body).toMatchObject({ changed: true, quarantine: null });
      const returned = await stack.db.auditEvent.findFirstOrThrow({ where: { hostId, action: "device.returned-to-service" } });
      expect(returned.actor).toBe("token:alice");
      expect(returned.after).toMatchObject({ countsFrom: { correctable: 11, nonfatal: 0, fatal: 1 } });
      expect((await device(PF)).health).toBe("healthy");
      expect((await placeOn("one-pf")).status).toBe(200);
      await injectAerErrors(root, { device: PF, severity: "correctable" });
      await waitFor("the 12th correctable error", async () => ((await device(PF)).aer?.correctable === 12 ? true : undefined), 120_000);
      expect((await device(PF)).health).toBe("healthy");
      expect(await stack.db.deviceQuarantine.count({ where: { hostId, address: PF } })).toBe(0);
    },
  );

  it("takes a pool's thresholds for the devices it selects", { timeout: 180_000 }, async () => {
    // 3 correctable errors are healthy by the defaults (degraded at 10); the pool quarantines at 3.
    await injectAerErrors(root, { device: PF2, severity: "correctable", count: 3 });
    await healthOf(PF2, "quarantined");
    const event = await stack.db.auditEvent.findFirstOrThrow({
      where: { hostId, action: "device.quarantined", summary: { contains: PF2 } },
    });
    expect(event.after).toMatchObject({ reached: ["correctable 3 >= 3"], pools: ["strict-pf"] });
    expect((await placeOn("strict-pf")).status).toBe(409);
  });
});
