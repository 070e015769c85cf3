import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeCapacity } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import { buildTree, renderTree, setVfCount, type HostState } from "@vfleet/simulator";
import { scanHost } from "../../agent/src/scan/index.ts";
import { axeViolations } from "../test/axe-violations.ts";
import { launchChromium } from "../test/launch-chromium.ts";
import { bearer, enrollHost, startTestStack, type TestStack } from "../test/start-test-stack.ts";
import { connectReadyAgent, type TestAgent } from "../test/test-agent.ts";

/**
 * The fleet page as an operator reads it, in real Chromium: hosts reported by the agent's real
 * scanner over simulated sysfs trees (a DGX-2, the seed-004 GPU workstation, an Intel 82576 host
 * that then goes offline).
 */
const RESULTS = fileURLToPath(new URL("../test-results/", import.meta.url));

let stack: TestStack;
let browser: Browser;
let page: Page;
let workDir: string;
const agents: TestAgent[] = [];
const heartbeats: NodeJS.Timeout[] = [];
const hosts = new Map<string, { hostId: string; inventory: Inventory; agent: TestAgent; state: HostState; dir: string }>();

async function reportHost(name: string, profile: string): Promise<void> {
  const dir = join(workDir, name);
  const state = await buildTree(profile, dir);
  const inventory = await scanHost(dir);
  const host = await enrollHost(stack.admin, name, inventory.host.hostname);
  const { agent } = await connectReadyAgent(stack.agentUrl, host.credential);
  agents.push(agent);
  // Heartbeat as a real agent does: on a busy machine the steps between snapshots can outlast the offline limit.
  heartbeats.push(
    setInterval(() => {
      try {
        agent.send("agent.heartbeat", { uptimeSec: 1 });
      } catch {
        // closed on purpose (the host that goes offline)
      }
    }, 1000),
  );
  agent.snapshot(inventory);
  expect((await agent.next("inventory.ack")).payload.stored).toBe(true);
  hosts.set(name, { hostId: host.hostId, inventory, agent, state, dir });
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "vfleet-fleet-page-"));
  await mkdir(RESULTS, { recursive: true });
  stack = await startTestStack();
  browser = await launchChromium();
  await reportHost("dgx2-f", "dgx2");
  await reportHost("ws-f", "gpu-workstation");
  await reportHost("igb-f", "intel-82576");
  // The 82576 host's agent goes away: its socket closing marks it offline.
  await hosts.get("igb-f")!.agent.close();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, extraHTTPHeaders: bearer(stack.tokens.viewer) });
});
afterAll(async () => {
  for (const h of heartbeats) clearInterval(h);
  for (const a of agents) await a.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

const cell = (host: string, key: string) => page.getByTestId(`host-row-${host}`).getByTestId(`cap-${key}`);
const total = (key: string) => page.getByTestId(`total-${key}`).locator(".text-xl");
const firstLine = async (loc: ReturnType<Page["getByTestId"]>) => (await loc.evaluate((el) => el.firstChild?.textContent ?? "")).trim();

it("counts GPUs beside VFs and splits ready from needs-bind per host and in the totals, offline hosts apart", async () => {
  await page.goto(stack.plane.url);
  await expect.poll(() => page.getByTestId("host-row-igb-f").getByTestId("host-status").getAttribute("data-online")).toBe("false");
  await page.reload();
  const dgx = computeCapacity(hosts.get("dgx2-f")!.inventory).totals;
  const ws = computeCapacity(hosts.get("ws-f")!.inventory).totals;

  // The DGX-2: 80 free VFs, all still on mlx5_core (none ready), and its 16 V100s on nvidia.
  expect(await cell("dgx2-f", "ready").textContent()).toBe("0");
  expect(await cell("dgx2-f", "needsBind").textContent()).toBe("80");
  expect(await firstLine(cell("dgx2-f", "devices"))).toBe("16");
  expect(await cell("dgx2-f", "devices").getByTestId("cap-devices-split").textContent()).toBe("0 ready · 16 needs bind · 0 assigned");
  // The GPU workstation was 0/0/0: both GPUs (with their audio functions) are on vfio-pci, one pair held by a guest.
  expect(await cell("ws-f", "created").textContent()).toBe("0");
  expect(await firstLine(cell("ws-f", "devices"))).toBe("4");
  expect(await cell("ws-f", "devices").getByTestId("cap-devices-split").textContent()).toBe("2 ready · 0 needs bind · 2 assigned");

  // Totals count online hosts only; the offline one is reported apart.
  expect(await page.getByTestId("hosts-online").textContent()).toBe("2");
  expect(await total("created").textContent()).toBe(String(dgx.created + ws.created));
  expect(await total("ready").textContent()).toBe(String(dgx.ready + ws.ready));
  expect(await total("needsBind").textContent()).toBe("80");
  expect(await total("devices").textContent()).toBe("20");
  expect(await page.getByTestId("total-devices").textContent()).toContain("2 ready · 16 needs bind · 2 assigned");
  // When each agent last spoke, in words ("3 s ago"), the absolute UTC time on hover; the offline one says since when.
  const lastSeen = (host: string) => page.getByTestId(`host-row-${host}`).getByTestId("host-last-seen");
  expect(await lastSeen("dgx2-f").textContent()).toMatch(/^\d+ s ago$/);
  expect(await lastSeen("dgx2-f").getAttribute("title")).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(await page.getByTestId("host-row-igb-f").locator("td").last().textContent()).toMatch(/^offline since \d+ (s|min) ago$/);
  const igb = computeCapacity(hosts.get("igb-f")!.inventory).totals;
  expect(await page.getByTestId("fleet-offline-totals").textContent()).toContain(
    `1 offline host with ${igb.created} VFs (${igb.ready} ready, ${igb.needsBind} needs bind)`,
  );

  // Sorted by what a guest can take now: the host with the most VFs that need a bind first.
  await page.getByTestId("sort-needsBind").click();
  await page.waitForURL(/sort=needsBind&dir=asc/);
  expect(await page.locator("[data-testid^=host-row-]").first().getAttribute("data-testid")).toBe("host-row-ws-f");
  await page.getByTestId("sort-needsBind").click();
  await page.waitForURL(/sort=needsBind&dir=desc/);
  expect(await page.locator("[data-testid^=host-row-]").first().getAttribute("data-testid")).toBe("host-row-dgx2-f");
  expect(await page.locator("th", { has: page.getByTestId("sort-needsBind") }).getAttribute("aria-sort")).toBe("descending");
  await page.screenshot({ path: join(RESULTS, "fleet-capacity.png"), fullPage: true });
}, 60_000);

it("names the fleet's VF models with their states and NUMA split, and its Use bars count whole devices, with a legend", async () => {
  await page.goto(stack.plane.url);
  const inv = hosts.get("dgx2-f")!.inventory;
  // What the DGX-2 reports: VFs per NUMA node of their PFs (the offline 82576 host is not counted).
  const perNode = new Map<number | null, number>();
  for (const d of inv.devices) if (d.sriov && d.sriov.numVfs > 0) perNode.set(d.numaNode, (perNode.get(d.numaNode) ?? 0) + d.sriov.numVfs);
  const models = page.getByTestId("vf-models").getByTestId("vf-model");
  expect(await models.count()).toBe(1);
  expect(await models.getByTestId("vf-model-name").textContent()).toContain("ConnectX-5");
  expect(await models.getByTestId("vf-model-created").textContent()).toBe("160");
  expect(await models.getByTestId("vf-model-nodes").textContent()).toBe(
    [...perNode.entries()]
      .sort(([a], [b]) => (a ?? 99) - (b ?? 99))
      .map(([n, c]) => `node ${n}: ${c} (0 ready)`)
      .join(" · "),
  );
  // Each host row names what its VFs are.
  expect(await cell("dgx2-f", "created").getByTestId("cap-vf-models").textContent()).toMatch(/^160 × .*ConnectX-5/);
  // The Use bar: a legend, and whole devices counted (the V100s need a bind; the workstation's GPUs are ready or assigned).
  expect(await page.getByTestId("use-legend").textContent()).toBe("Use (VFs and whole devices):assignedreadyneeds bindnot created");
  const bar = (host: string) => page.getByTestId(`host-row-${host}`).getByTestId("capacity-bar");
  const split = async (host: string) =>
    bar(host).evaluate((el) => ["assigned", "ready", "needsBind", "notCreated"].map((k) => Number((el as HTMLElement).dataset[k])));
  const dgx = computeCapacity(inv).totals;
  expect(await split("dgx2-f")).toEqual([
    dgx.assigned + dgx.devicesAssigned,
    dgx.ready + dgx.devicesReady,
    80 + 16,
    dgx.possible - dgx.created,
  ]);
  expect(await split("ws-f")).toEqual([2, 2, 0, 0]);
});

describe("GPUs", () => {
  const gpuRow = (address: string) => page.locator(`[data-testid="gpu-row"][data-address="${address}"]`);
  const openHost = async (name: string) => {
    await page.goto(`${stack.plane.url}/hosts/${hosts.get(name)!.hostId}`);
    await page.getByTestId("host-name").waitFor();
  };

  it("the fleet page counts GPUs as GPUs, by model and state, per host and in the totals", async () => {
    await page.goto(stack.plane.url);
    // 16 V100s on the DGX-2; the workstation's GTX 750 (its guest's) and Radeon (ready); its integrated graphics is the host's.
    expect(await total("gpus").textContent()).toBe("18");
    expect(await page.getByTestId("total-gpu-models").getByTestId("gpu-model").allTextContents()).toEqual([
      "1 × GeForce GTX 750: 1 assigned",
      "1 × Radeon HD 8570 / R5 430 OEM / R7 240/340 / Radeon 520 OEM: 1 ready",
      "16 × Tesla V100 SXM3 32GB: 16 needs bind",
    ]);
    expect(await firstLine(cell("dgx2-f", "gpus"))).toBe("16");
    expect(await cell("dgx2-f", "gpus").getByTestId("cap-gpu-models").textContent()).toBe("16 × Tesla V100 SXM3 32GB: 16 needs bind");
    expect(await firstLine(cell("ws-f", "gpus"))).toBe("2");
    await page.getByTestId("sort-gpus").click();
    await page.waitForURL(/sort=gpus&dir=asc/);
    expect(await page.locator("[data-testid^=host-row-]").allTextContents()).toHaveLength(3);
  });

  it("the DGX-2's page names its 16 V100s with NUMA node, IOMMU group, PCIe switches and the ConnectX-5 under the same switch", async () => {
    await openHost("dgx2-f");
    await expect.poll(() => page.getByTestId("gpu-row").count()).toBe(16);
    expect(new Set(await page.getByTestId("gpu-row").getByTestId("gpu-model").allTextContents())).toEqual(
      new Set(["Tesla V100 SXM3 32GB"]),
    );
    expect(await page.getByTestId("gpus").locator("header").textContent()).toContain("NUMA 0: 8 · NUMA 1: 8");
    const first = gpuRow("0000:34:00.0");
    const text = (await first.textContent()) ?? "";
    expect(text).toContain("needs bind");
    expect(text).toContain("pci0000:2f › 2f:00.0 › 30:00.0 › 31:00.0 › 32:00.0 › 33:00.0");
    expect(text).toContain("2 switches: PEX 9749");
    expect(await first.getByTestId("gpu-peers").locator("li").allTextContents()).toEqual([
      "35:00.0 MT27800 Family [ConnectX-5] (16 VFs)",
      "36:00.0 GV100GL [Tesla V100 SXM3 32GB]",
    ]);
    // It has SR-IOV PFs too: their counts stay.
    expect(await page.getByTestId("host-totals").count()).toBe(1);
  });

  it("a GPU workstation's page shows its GPUs, not zero-filled SR-IOV cards and an empty NUMA table", async () => {
    await openHost("ws-f");
    await page.getByTestId("gpus").waitFor();
    expect(await page.getByTestId("host-totals").count()).toBe(0);
    expect(await page.getByText("Capacity by NUMA node").count()).toBe(0);
    const stat = (id: string) => page.getByTestId("host-gpu-totals").getByTestId(id).locator(".text-xl").textContent();
    expect([
      await stat("total-gpus"),
      await stat("total-gpus-ready"),
      await stat("total-gpus-needs-bind"),
      await stat("total-gpus-assigned"),
    ]).toEqual(["2", "1", "0", "1"]);
    const gtx = gpuRow("0000:01:00.0");
    expect(await gtx.getAttribute("data-state")).toBe("assigned");
    expect(await gtx.textContent()).toContain("win-gtx750");
    expect(await gtx.getByTestId("gpu-companion").textContent()).toBe("+ Audio device 01:00.1 (vfio-pci)");
    expect(await gpuRow("0000:02:00.0").getAttribute("data-state")).toBe("ready");
    expect(await gpuRow("0000:00:02.0").getAttribute("data-state")).toBe("host");
  });

  it(
    "reads in light and dark at 1440 and 390 px without sideways scroll or a serious accessibility violation",
    { timeout: 180_000 },
    async () => {
      for (const scheme of ["light", "dark"] as const) {
        for (const width of [1440, 390]) {
          const p = await browser.newPage({
            viewport: { width, height: 900 },
            colorScheme: scheme,
            extraHTTPHeaders: bearer(stack.tokens.viewer),
          });
          for (const name of ["ws-f", "dgx2-f"]) {
            await p.goto(`${stack.plane.url}/hosts/${hosts.get(name)!.hostId}`);
            await p.getByTestId("gpus").scrollIntoViewIfNeeded();
            expect(await p.evaluate(() => document.documentElement.scrollWidth), `${name} ${scheme} ${width}`).toBeLessThanOrEqual(width);
            expect(
              (await axeViolations(p)).map(
                (v) => `${name} ${scheme} ${width}: ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
              ),
            ).toEqual([]);
            await p.getByTestId("gpus").screenshot({ path: join(RESULTS, `gpus-${name}-${scheme}-${width}.png`) });
          }
          await p.goto(stack.plane.url);
          await p.getByTestId("total-gpus").waitFor();
          expect(await p.evaluate(() => document.documentElement.scrollWidth), `fleet ${scheme} ${width}`).toBeLessThanOrEqual(width);
          expect((await axeViolations(p)).map((v) => `fleet ${scheme} ${width}: ${v.id}: ${v.help}`)).toEqual([]);
          await p.screenshot({ path: join(RESULTS, `gpus-fleet-${scheme}-${width}.png`) });
          await p.close();
        }
      }
    },
  );
});

it("shows each host's audit verdict in a health column, worst first when sorted", async () => {
  await page.goto(stack.plane.url);
  const verdict = (host: string) => page.getByTestId(`host-row-${host}`).getByTestId("host-health").getAttribute("data-verdict");
  expect(await verdict("dgx2-f")).toBe("fail");
  expect(await verdict("ws-f")).toBe("warn");
  expect(await verdict("igb-f")).toBe("fail");
  await page.getByTestId("sort-health").click();
  await page.waitForURL(/sort=health&dir=desc/);
  const order = await page.locator("[data-testid^=host-row-]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-testid")));
  expect(order).toEqual(["host-row-dgx2-f", "host-row-igb-f", "host-row-ws-f"]);
  // The verdict opens the host's audit.
  await page.getByTestId("host-row-ws-f").getByTestId("host-health").click();
  await page.waitForURL(`**/hosts/${hosts.get("ws-f")!.hostId}/audit`);
}, 60_000);

it("audit 'Fix' opens the host page's change form with the job filled in, and the preview writes the fix", async () => {
  const { hostId, inventory } = hosts.get("dgx2-f")!;
  const operator = await browser.newPage({ viewport: { width: 1440, height: 1000 }, extraHTTPHeaders: bearer(stack.tokens.operator) });
  await operator.goto(`${stack.plane.url}/hosts/${hostId}/audit`);
  const check = operator.locator('[data-testid="audit-check"][data-check-id="persistence.vf-count"]');
  expect(await check.getAttribute("data-status")).toBe("fail");
  // Checks no job can fix (kernel arguments, BIOS) offer no button.
  expect(
    await operator
      .locator('[data-testid="audit-check"][data-check-id="kernel.interrupt-remapping"] [data-testid="audit-fix-button"]')
      .count(),
  ).toBe(0);
  await check.getByTestId("audit-fix-button").click();
  await operator.waitForURL(new RegExp(`/hosts/${hostId}\\?job=host.persist`));
  expect(await operator.getByTestId("job-kind").inputValue()).toBe("host.persist");
  const pfs = inventory.devices.filter((d) => d.sriov && d.sriov.numVfs > 0);
  expect((await operator.getByTestId("job-vfcounts").inputValue()).split("\n")).toEqual(
    pfs.map((d) => `${d.netInterfaces[0]}=${d.sriov!.numVfs}`),
  );
  // Nothing is queued by the link: the operator previews exactly what will be written, then confirms.
  await operator.getByTestId("job-preview-button").click();
  const preview = operator.getByTestId("job-preview");
  await preview.waitFor();
  expect(await preview.textContent()).toContain("vfleet-sriov.conf");
  expect(await preview.textContent()).toContain(`class/net/${pfs[0]!.netInterfaces[0]}/device/sriov_numvfs = ${pfs[0]!.sriov!.numVfs}`);
  await operator.screenshot({ path: join(RESULTS, "audit-fix-prefilled.png"), fullPage: true });
  await operator.close();
}, 60_000);

it("the fleet audit matrix names its checks in words, the id beside", async () => {
  await page.goto(`${stack.plane.url}/audit`);
  const header = page.locator('[data-testid="fleet-audit-check-header"][data-check-id="persistence.vf-count"]');
  expect(await header.textContent()).toBe("VF counts persist across reboot (sysfs.d / udev)");
  expect(await header.getAttribute("title")).toBe("persistence.vf-count");
  const row = page.locator('[data-testid="fleet-audit-row"][data-host="dgx2-f"]');
  expect(await row.locator('[data-check-id="persistence.vf-count"]').textContent()).toContain("fails");
}, 60_000);

it("charts capacity over time for the fleet and per host, with the same numbers as text", async () => {
  const dgx = hosts.get("dgx2-f")!;
  const before = computeCapacity(dgx.inventory).totals;
  await page.goto(stack.plane.url);
  await page.getByTestId("fleet-capacity-link").click();
  await page.waitForURL("**/capacity");
  await expect.poll(() => page.title()).toBe("Fleet capacity over time · vfleet");
  // The chart is drawn: one line per series, named in its legend.
  await expect.poll(() => page.locator('[data-testid="capacity-chart"] .recharts-line').count()).toBe(4);
  expect(await page.getByTestId("capacity-chart").textContent()).toContain("VFs ready (vfio-pci, free)");
  // The fleet history sums every host's last report, the offline one too: 160 + 0 + 14 VFs.
  const igb = computeCapacity(hosts.get("igb-f")!.inventory).totals;
  expect(await page.getByTestId("capacity-now").textContent()).toContain(`Now: ${before.created + igb.created} VFs`);

  // An idle PF of the DGX-2 goes down to 4 VFs: the host's chart follows the stored snapshot.
  const idle = computeCapacity(dgx.inventory).pfs.find((pf) => pf.assigned === 0)!;
  setVfCount(dgx.state, idle.address, 4);
  await renderTree(dgx.state, dgx.dir);
  dgx.agent.snapshot(await scanHost(dgx.dir));
  expect((await dgx.agent.next("inventory.ack")).payload.stored).toBe(true);
  await page.goto(`${stack.plane.url}/hosts/${dgx.hostId}`);
  await page.getByTestId("host-capacity-link").click();
  await page.waitForURL(`**/hosts/${dgx.hostId}/capacity`);
  await expect.poll(() => page.locator('[data-testid="capacity-chart"] .recharts-line').count()).toBe(4);
  expect(await page.getByTestId("capacity-now").textContent()).toContain(
    `Now: ${before.created - 12} VFs (${before.assigned} assigned, 0 ready, ${before.needsBind - 12} needs bind) and 16 passthrough devices`,
  );
  // The text equivalent: the state 24 h ago (nothing yet) and the latest, as table rows.
  await page.getByText("The same numbers as a table").click();
  const rows = page.getByTestId("capacity-row");
  expect(await rows.first().locator("td").nth(1).textContent()).toBe("0");
  expect(await rows.last().locator("td").nth(1).textContent()).toBe(String(before.created - 12));
  // A week's range is one click away.
  await page.getByTestId("range-168").click();
  await page.waitForURL(/hours=168/);
  expect(await page.getByTestId("range-168").getAttribute("aria-current")).toBe("page");
  await page.screenshot({ path: join(RESULTS, "capacity-host.png"), fullPage: true });
}, 60_000);

it("sorts the device table, jobs, audit log and pool tables by their headers, saying so with aria-sort", async () => {
  const dgx = hosts.get("dgx2-f")!;
  const ws = hosts.get("ws-f")!;
  const api = (path: string, body: unknown) =>
    fetch(`${stack.plane.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(stack.tokens.operator) },
      body: JSON.stringify(body),
    });
  /** Preview, then confirm with the preview's basis. */
  const queue = async (body: Record<string, unknown>) =>
    api("/api/v1/jobs", {
      ...body,
      basis: ((await (await api("/api/v1/jobs", { ...body, dryRun: true })).json()) as { basis: string }).basis,
    });
  const idle = computeCapacity(dgx.inventory).pfs.filter((pf) => pf.assigned === 0);
  expect((await queue({ hostId: dgx.hostId, job: { kind: "vf.set-count", params: { pf: idle[1]!.address, count: 8 } } })).status).toBe(201);
  expect(
    (await queue({ hostId: ws.hostId, job: { kind: "host.persist", params: { vfCounts: [], vfioIds: [], method: "sysfsd" } } })).status,
  ).toBe(201);
  expect((await api("/api/v1/pools", { name: "cx5", selector: { vendorId: "15b3", deviceId: "1017" } })).status).toBe(201);
  const ariaSort = (testId: string) =>
    page
      .locator("th", { has: page.getByTestId(testId) })
      .first()
      .getAttribute("aria-sort");
  const column = (rows: string, cell: number) =>
    page.locator(`[data-testid="${rows}"]`).evaluateAll((trs, i) => trs.map((tr) => tr.children[i as number]!.textContent!.trim()), cell);

  // Device table (all on the page): by driver, then reversed.
  await page.goto(`${stack.plane.url}/hosts/${dgx.hostId}`);
  expect(await ariaSort("device-sort-driver")).toBe("none");
  await page.getByTestId("device-sort-driver").click();
  expect(await ariaSort("device-sort-driver")).toBe("ascending");
  // Named drivers in order, then the functions without one ("none") last.
  const drivers = await column("device-row", 4);
  const named = drivers.filter((d) => d !== "none");
  expect(named).toEqual([...named].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" })));
  expect(drivers.slice(named.length).every((d) => d === "none")).toBe(true);
  await page.getByTestId("device-sort-driver").click();
  expect(await ariaSort("device-sort-driver")).toBe("descending");
  expect(await column("device-row", 4)).toEqual([...named].reverse().concat(drivers.slice(named.length)));

  // Jobs (paged, sorted in the database): by host name, both ways.
  await page.goto(`${stack.plane.url}/jobs`);
  expect(await ariaSort("jobs-sort-created")).toBe("descending");
  // Newest first, each job (or plan) is its own group; sorted by another column, one table.
  await page.getByTestId("jobs-sort-host").first().click();
  await page.waitForURL(/sort=host&dir=asc/);
  expect(await page.getByTestId("jobs-table").count()).toBe(1);
  expect(await ariaSort("jobs-sort-host")).toBe("ascending");
  expect(await page.getByTestId("job-host").allTextContents()).toEqual(["dgx2-f", "ws-f"]);
  await page.getByTestId("jobs-sort-host").click();
  await page.waitForURL(/sort=host&dir=desc/);
  expect(await page.getByTestId("job-host").allTextContents()).toEqual(["ws-f", "dgx2-f"]);

  // Audit log: newest first (paged in the database; filters narrow it).
  await page.goto(`${stack.plane.url}/audit-log`);
  const times = await page.getByTestId("audit-at").evaluateAll((els) => els.map((e) => e.getAttribute("datetime")!));
  expect(times.length).toBeGreaterThan(1);
  expect(times).toEqual([...times].sort().reverse());

  // A pool's capacity by host and NUMA node: by node, highest first.
  await page.goto(`${stack.plane.url}/pools`);
  const numa = () =>
    page
      .getByTestId("pool-cx5")
      .getByTestId("capacity-row")
      .evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute("data-numa"))));
  expect(new Set(await numa()).size).toBeGreaterThan(1);
  await page.getByTestId("pool-cx5").getByTestId("pool-sort-numa").click();
  await page.getByTestId("pool-cx5").getByTestId("pool-sort-numa").click();
  expect(
    await page
      .getByTestId("pool-cx5")
      .locator("th", { has: page.getByTestId("pool-sort-numa") })
      .getAttribute("aria-sort"),
  ).toBe("descending");
  const nodes = await numa();
  expect(nodes).toEqual([...nodes].sort((a, b) => b - a));
}, 90_000);
