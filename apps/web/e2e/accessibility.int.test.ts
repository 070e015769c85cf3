import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
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
