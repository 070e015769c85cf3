import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFleet, type Fleet } from "@vfleet/simulator/fleet";
import { apiClient, previewAndConfirm, waitFor } from "../test/jobs-helpers.ts";
import { axeViolations } from "../test/axe-violations.ts";
import { launchChromium } from "../test/launch-chromium.ts";
import { bearer, startTestStack, type TestStack } from "../test/start-test-stack.ts";

/**
 * Every page, checked by axe-core (Deque's engine, the one browser devtools use) in real Chromium,
 * in the light and the dark colour scheme: no serious or critical violation, text contrast
 * included. The fleet is real agents on simulated hosts, so the pages hold what operators see.
 */
const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));
const RESULTS = fileURLToPath(new URL("../test-results/", import.meta.url));

let stack: TestStack;
let fleet: Fleet;
let browser: Browser;
let workDir: string;
let pages: string[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "vfleet-a11y-"));
  await mkdir(RESULTS, { recursive: true });
  browser = await launchChromium();
  stack = await startTestStack({ heartbeatIntervalMs: 1000, offlineAfterMs: 8000 });
  fleet = await startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts: [
      { name: "dgx2-a11y", profile: "dgx2" },
      { name: "igb-a11y", profile: "intel-82576" },
    ],
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 1000,
    log: () => {},
  });
  const api = apiClient(stack.plane.url, stack.tokens.admin);
  const hosts = await waitFor("both hosts' snapshots", async () => {
    const list = (await api.get("/api/v1/hosts")).body.hosts as { id: string; name: string; snapshotAt: string | null }[];
    return list.length === 2 && list.every((h) => h.snapshotAt) ? list : undefined;
  });
  const dgx = hosts.find((h) => h.name === "dgx2-a11y")!;
  const pf = ((await api.get(`/api/v1/hosts/${dgx.id}`)).body.inventory as { devices: { address: string; sriov: unknown }[] }).devices.find(
    (d) => d.sriov,
  )!.address;
  const job = await previewAndConfirm(api, "/api/v1/jobs", { hostId: dgx.id, job: { kind: "vf.set-count", params: { pf, count: 16 } } });
  expect(job.status).toBe(201);
  const pool = await api.post("/api/v1/pools", { name: "cx5", selector: { vendorId: "15b3", deviceId: "1017" } });
  expect(pool.status).toBe(201);
  pages = [
    "/",
    `/hosts/${dgx.id}`,
    `/hosts/${dgx.id}/audit`,
    `/hosts/${dgx.id}/audit?guest=dgx-guest`,
    `/hosts/${dgx.id}/jobs`,
    "/jobs",
    `/jobs/${job.body.job.id}`,
    "/audit",
    "/audit-log",
    "/capacity",
    `/hosts/${dgx.id}/capacity`,
    "/pools",
    "/pools/cx5",
    "/placements",
    "/assignments",
    "/admin",
    "/install",
    "/api-docs",
    "/glossary",
  ];
});
afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.each(["light", "dark"] as const)("every page in the %s colour scheme", (scheme) => {
  it("has no serious or critical accessibility violation (axe-core)", async () => {
    // An admin sees every control a page has (Bearer works for pages as for the API).
    const page = await browser.newPage({
      viewport: { width: 1440, height: 1000 },
      colorScheme: scheme,
      extraHTTPHeaders: bearer(stack.tokens.admin),
    });
    const found: string[] = [];
    for (const path of pages) {
      await page.goto(`${stack.plane.url}${path}`);
      if (path === pages[1]) await page.screenshot({ path: join(RESULTS, `host-${scheme}.png`) });
      for (const v of await axeViolations(page)) {
        found.push(
          `${path}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes
            .slice(0, 3)
            .map((n) => `${JSON.stringify(n.target)} ${n.failureSummary?.split("\n").slice(1, 2).join("") ?? ""}`)
            .join(" | ")}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ""}`,
        );
      }
    }
    await page.close();
    if (found.length) console.log(`${scheme}:\n${found.join("\n")}`);
    expect(found).toEqual([]);
  }, 180_000);
});

/** The outermost elements reaching past the viewport's right edge, named so a failure says what to fix. */
const stickingOut = (p: Page) =>
  p.evaluate(() => {
    const edge = document.documentElement.clientWidth;
    const scrolls = (e: Element | null): boolean =>
      e !== null && e !== document.body && (getComputedStyle(e).overflowX !== "visible" || scrolls(e.parentElement));
    // A scroll box clips its content, except what is positioned against an ancestor outside it (screen-reader text, for one).
    const clipped = (e: Element) => scrolls(e.parentElement) && !["absolute", "fixed"].includes(getComputedStyle(e).position);
    const out = [...document.body.querySelectorAll("*")].filter((e) => e.getBoundingClientRect().right > edge + 0.5 && !clipped(e));
    // Text too: an unbreakable word overflows its box without the box itself growing.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(t);
      if (range.getBoundingClientRect().right > edge + 0.5 && !scrolls(t.parentElement) && !out.includes(t.parentElement!))
        out.push(t.parentElement!);
    }
    return out
      .filter((e) => !out.includes(e.parentElement!))
      .slice(0, 3)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}${e.getAttribute("data-testid") ? `[${e.getAttribute("data-testid")}]` : ""}.${[...e.classList].slice(0, 4).join(".")}`,
      )
      .join(", ");
  });

it("gives every page its own title and one h1, and no page scrolls sideways or fails axe at 390 px", { timeout: 300_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, extraHTTPHeaders: bearer(stack.tokens.admin) });
  const found: string[] = [];
  const check = async (path: string, p = page) => {
    await p.goto(`${stack.plane.url}${path}`);
    const title = await p.title();
    if (!/^\S.* · vfleet$/.test(title) || title.includes("· vfleet ·")) found.push(`${path}: title "${title}"`);
    const h1 = await p.locator("h1").count();
    if (h1 !== 1) found.push(`${path}: ${h1} h1`);
    const wide = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (wide > 0) found.push(`${path}: scrolls ${wide} px sideways at 390 px (${await stickingOut(p)})`);
    // At 390 px boxes scroll that do not at 1440 (a long key, a wide table): each must still be reachable by keyboard.
    for (const v of await axeViolations(p)) found.push(`${path} at 390 px: ${v.id}: ${v.help}`);
  };
  for (const path of pages) await check(path);
  // One vocabulary: the VF legend's words and the pool's columns are the glossary's, and link to it.
  await page.goto(`${stack.plane.url}/glossary`);
  const words = await page.getByTestId("glossary-word").evaluateAll((els) => els.map((e) => e.getAttribute("data-word")!));
  await page.goto(`${stack.plane.url}${pages[1]}`);
  const legend = (await page.getByTestId("vf-legend").first().locator("span[title]").allTextContents()).map((t) => t.trim());
  await page.goto(`${stack.plane.url}/pools`);
  const columns = (await page.getByTestId("pool-totals").locator("span[title]").allTextContents()).map((t) => t.trim());
  for (const w of [...legend, ...columns]) if (!words.includes(w)) found.push(`"${w}" is not in the glossary`);
  if (legend.length !== 4 || columns.length !== 6) found.push(`legend ${legend.join(", ")}; pool columns ${columns.join(", ")}`);
  if ((await page.getByTestId("glossary-link").first().getAttribute("href")) !== "/glossary") found.push("/pools: no glossary link");

  // A form says nothing is wrong before anything was typed; typing something wrong names the field.
  const previews: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/api/v1/pools/preview")) previews.push(r.url());
  });
  await page.goto(`${stack.plane.url}/pools`);
  await page.getByTestId("pool-form").waitFor();
  await page.waitForTimeout(1000);
  if (previews.length > 0 || (await page.getByTestId("pool-error").count()) > 0)
    found.push("/pools: the new pool form checked itself before any input");
  await page.getByTestId("pool-vendorId").fill("zz");
  await page.getByTestId("pool-error").waitFor();
  if ((await page.getByTestId("pool-error").getAttribute("data-field")) !== "selector.vendorId")
    found.push(`/pools: a bad vendor id was reported on ${await page.getByTestId("pool-error").getAttribute("data-field")}`);
  // The host page's PCI table with every function shown: it scrolls in its own box, the page does not.
  await page.goto(`${stack.plane.url}${pages[1]}`);
  await page.getByTestId("device-filter").fill("mlx5_core");
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (wide > 0) found.push(`PCI table: the page scrolls ${wide} px sideways at 390 px`);
  await page.screenshot({ path: join(RESULTS, "host-390.png"), fullPage: false });
  await page.close();

  // Signed out: the sign-in page names itself and shows the icon, which is served without a session.
  const out = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await check("/login", out);
  const icon = await out.locator('link[rel="icon"]').first().getAttribute("href");
  const res = await fetch(new URL(icon!, stack.plane.url), { redirect: "manual" });
  if (res.status !== 200) found.push(`${icon}: ${res.status} to a signed-out visitor`);
  await out.close();
  console.log(found.join("\n"));
  expect(found).toEqual([]);
});
