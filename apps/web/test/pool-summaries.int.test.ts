import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanHost } from "@vfleet/agent/scan";
import {
  computePoolCapacity,
  poolCapacityOfSummaries,
  whatIf,
  whatIfOfSummaries,
  type PoolSelector,
  type WhatIfRequest,
} from "@vfleet/core";
import {
  applyMigrations,
  createDb,
  createJobs,
  loadPlacementHosts,
  loadPoolSummaries,
  setHostLabels,
  startDatabase,
  storeSnapshot,
  type Database,
  type Db,
} from "@vfleet/db";
import type { Inventory } from "@vfleet/protocol";
import { hashContent } from "@vfleet/protocol/hash";
import { buildTree } from "@vfleet/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Pool capacity and what-if read the per-PF summary (`PfCapacity`) instead of every VF row. They
 * must answer exactly what the full path (every host's rows through core) answers, on a stored
 * fleet of real scans of simulated hosts: assigned VFs (the DGX-2 profile's guest), reserved ones
 * (a plan's reservations), a VF the host uses (bond member), creatable ones, an offline host,
 * labels, and every kind of selector.
 */
let dir: string;
let database: Database;
let db: Db;
const hostIds = new Map<string, string>();

async function scanned(profile: string, vfs: number): Promise<Inventory> {
  const tree = await mkdtemp(join(tmpdir(), "vfleet-pool-summary-tree-"));
  try {
    await buildTree(profile, tree, { vfs });
    return await scanHost(tree);
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
}

async function store(name: string, inventory: Inventory, online = true): Promise<string> {
  const id = hostIds.get(name) ?? (await db.host.create({ data: { name, hostname: name, online } })).id;
  hostIds.set(name, id);
  await storeSnapshot(db, id, { hash: hashContent(inventory), scannedAt: new Date(), inventory });
  return id;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vfleet-pool-summaries-"));
  database = await startDatabase({ dataDir: join(dir, "pg") });
  await applyMigrations(database.url);
  db = createDb(database.url);

  await store("dgx2-a", await scanned("dgx2", 16));
  await store("dgx2-empty", await scanned("dgx2", 0));
  // A third of the VFs already on vfio-pci, one VF enslaved to a bond (the host uses it).
  const half = await scanned("dgx2", 8);
  const vfs = half.devices.filter((d) => d.physfn);
  vfs.forEach((d, i) => {
    if (i % 3 === 0) d.driver = "vfio-pci";
  });
  const bonded = half.interfaces.find((n) => n.pciAddress === vfs[1]!.address);
  if (bonded) bonded.master = "bond0";
  else
    half.interfaces.push({ name: "enp53s0f0v1", mac: null, carrier: true, operstate: "up", pciAddress: vfs[1]!.address, master: "bond0" });
  const labelled = await store("dgx2-half", half);
  await setHostLabels(db, { hostId: labelled, labels: { fabric: "roce" }, actor: "test" });
  await store("dgx2-offline", await scanned("dgx2", 16), false);
  await store("i82576-a", await scanned("intel-82576", 7));
  await store("i82576-empty", await scanned("intel-82576", 0));
  await store("gpu-ws", await scanned("gpu-workstation", 0));

  // A plan holds two VFs of dgx2-half: reserved in the summary as in the rows.
  const [free1, free2] = vfs
    .filter((d) => d.driver === "vfio-pci")
    .slice(1)
    .map((d) => d.address);
  const attach = (address: string) => ({
    ref: `attach-${address}`,
    job: {
      kind: "guest.attach" as const,
      params: { guest: "g", devices: [{ address, kind: "hostdev" as const }], live: false, config: true },
    },
    summary: "attach",
    dependsOn: [],
    resourceKeys: [`dev:${address}`],
    before: null,
  });
  const reservation = (address: string) => ({
    address,
    guest: "g",
    pool: "cx5",
    pf: null,
    transient: false,
    mac: null,
    vlan: null,
    previousDriver: "vfio-pci",
    previousMac: null,
    previousVlan: null,
  });
  const held = await createJobs(db, {
    hostId: labelled,
    createdBy: "test",
    plan: { title: "hold" },
    jobs: [attach(free1!), attach(free2!)],
    reservations: [reservation(free1!), reservation(free2!)],
  });
  if (!held.ok) throw new Error("reservation refused");
}, 120_000);

afterAll(async () => {
  await db?.$disconnect();
  await database?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function selectors(): Promise<[string, PoolSelector][]> {
  const [host] = await loadPlacementHosts(db, {}, { hostIds: [hostIds.get("dgx2-half")!] });
  const pf = host!.pfs.find((p) => p.netInterfaces.length > 0)!;
  return [
    ["ConnectX-5 PF ids", { vendorId: "15b3", deviceId: "1017" }],
    ["a vendor", { vendorId: "8086" }],
    ["a PF driver", { driver: "igb" }],
    ["a host label", { vendorId: "15b3", hostLabels: { fabric: "roce" } }],
    ["PF names", { pfNames: pf.netInterfaces }],
    ["PF addresses", { addresses: [pf.address] }],
    ["host names", { hosts: ["dgx2-a", "i82576-a"] }],
    ["a NUMA node", { vendorId: "15b3", numaNode: 1 }],
    ["a link speed", { linkSpeed: (pf.linkSpeed ?? "8.0").slice(0, 3) }],
    ["a link width", { linkWidth: pf.linkWidth ?? 16 }],
    ["nothing it holds", { vendorId: "dead" }],
  ];
}

const requests: [string, WhatIfRequest][] = [
  ["16 VFs NUMA-local over 4 PFs", { count: 16, numa: "required", minPfs: 4 }],
  ["160 VFs anywhere on a host", { count: 160, numa: "none" }],
  ["5 VFs, NUMA preferred, at most 2 per PF", { count: 5, numa: "preferred", maxPerPf: 2 }],
  ["1 VF on a labelled host", { count: 1, numa: "none", hostLabels: { fabric: "roce" } }],
];

describe("pool capacity and what-if from the per-PF summary", () => {
  it("give the same capacity as every host's rows, for every kind of selector", async () => {
    let seen = { ready: 0, bindable: 0, creatable: 0, assigned: 0, reserved: 0, inUse: 0, offline: 0 };
    for (const [what, selector] of await selectors()) {
      const full = computePoolCapacity(selector, await loadPlacementHosts(db, selector));
      const summary = poolCapacityOfSummaries(await loadPoolSummaries(db, selector));
      expect(summary, what).toEqual(full);
      seen = {
        ready: seen.ready + full.ready,
        bindable: seen.bindable + full.bindable,
        creatable: seen.creatable + full.creatable,
        assigned: seen.assigned + full.assigned,
        reserved: seen.reserved + full.reserved,
        inUse: seen.inUse + full.inUse,
        offline: seen.offline + full.offline.length,
      };
    }
    // The fleet exercises every count, so an equality above could not hold by zeros alone.
    for (const [k, v] of Object.entries(seen)) expect(v, k).toBeGreaterThan(0);
  });

  it("give the same what-if as every host's rows, for every selector and request", async () => {
    let fits = 0;
    for (const [what, selector] of await selectors()) {
      const pool = { name: "p", selector };
      const full = await loadPlacementHosts(db, selector);
      // Ports with carrier only (the default) and any port: this fleet's ports mostly have no link.
      for (const [asked, ask] of requests)
        for (const link of ["up", "any"] as const) {
          const request = { ...ask, link };
          const expected = whatIf(full, { ...request, pool });
          expect(
            whatIfOfSummaries(await loadPoolSummaries(db, selector, { hostLabels: request.hostLabels }), request),
            `${what}: ${asked}, link ${link}`,
          ).toEqual(expected);
          fits += expected.hosts.filter((h) => h.fits).length;
        }
    }
    expect(fits).toBeGreaterThan(0);
  });

  it("follow a changed snapshot: a host whose VFs were destroyed has creatable VFs, not ready ones", async () => {
    const selector = { vendorId: "15b3", deviceId: "1017" };
    const before = poolCapacityOfSummaries(await loadPoolSummaries(db, selector)).byHost.filter((r) => r.host === "dgx2-a");
    await store("dgx2-a", await scanned("dgx2", 0));
    const after = poolCapacityOfSummaries(await loadPoolSummaries(db, selector));
    expect(after).toEqual(computePoolCapacity(selector, await loadPlacementHosts(db, selector)));
    const rows = after.byHost.filter((r) => r.host === "dgx2-a");
    expect(rows.reduce((n, r) => n + r.creatable, 0)).toBeGreaterThan(before.reduce((n, r) => n + r.creatable, 0));
    expect(rows.reduce((n, r) => n + r.ready + r.bindable + r.assigned, 0)).toBe(0);
  });
});
