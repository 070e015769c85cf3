import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { classifyPf, placeRequest, type PlacementRequest } from "@vfleet/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  applyMigrations,
  createDb,
  createJobGroup,
  createJobs,
  findCandidateHosts,
  findHostIds,
  getHost,
  getPlan,
  getPool,
  listUsedMacs,
  loadPlacementHosts,
  loadPoolSummaries,
  savePool,
  startDatabase,
  storeSnapshot,
  type Database,
  type Db,
  type PoolView,
} from "@vfleet/db";
import { confirmPlacement, placeAndReserve, placementHostCacheOf, type SchedulerQueries } from "../lib/placement/place-and-reserve.ts";
import { PlacementBody, PoolBody } from "../lib/placement/placement-api-schemas.ts";
import { toPlacementRequest } from "../lib/placement/placement-response.ts";
import { buildDgx2Inventory } from "./build-dgx2-inventory.ts";
import { schedulerQueries } from "./scheduler-queries.ts";

/**
 * A placement with no host named goes through the prefilter, the choice on stored per-PF counts
 * and the winner's rows alone: it must land where core's placement over every host's rows
 * lands, and, when a reservation takes the winner between the reads, on the next best host.
 */
let dir: string;
let database: Database;
let db: Db;
let pool: PoolView;
const queries = schedulerQueries;

/** A DGX-2 whose VFs are ready (vfio-pci), or all on mlx5_core (bindable: 16 binds for 16 VFs). */
async function storeHost(name: string, o: { bindable?: boolean; online?: boolean; assigned?: number } = {}): Promise<string> {
  const host = await db.host.create({ data: { name, hostname: name, online: o.online ?? true } });
  const inventory = buildDgx2Inventory({ hostname: name, assigned: o.assigned });
  if (o.bindable) for (const d of inventory.devices) if (d.physfn) Object.assign(d, { driver: "mlx5_core", driverOverride: null });
  await storeSnapshot(db, host.id, { hash: name, scannedAt: new Date(), inventory });
  return host.id;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vfleet-placement-fleet-"));
  database = await startDatabase({ dataDir: join(dir, "pg") });
  await applyMigrations(database.url);
  db = createDb(database.url);
  await storeHost("a-bindable", { bindable: true });
  await storeHost("b-ready", { assigned: 8 });
  await storeHost("c-ready");
  await storeHost("d-offline", { online: false });
  const saved = await savePool(db, {
    pool: { name: "cx5", selector: { vendorId: "15b3", deviceId: "1017" } },
    actor: "test",
    create: true,
  });
  if (!saved.ok) throw new Error(saved.reason);
  pool = saved.pool;
}, 120_000);

afterAll(async () => {
  await db?.$disconnect();
  await database?.stop();
  await rm(dir, { recursive: true, force: true });
});

const ask = (o: Partial<PlacementRequest> = {}): PlacementRequest => ({
  pool,
  count: 16,
  numa: "required",
  minPfs: 4,
  guest: { name: "g-new", vcpus: 8, memoryMiB: 8192 },
  ...o,
});

/** Where core's placement over every stored host's rows puts the request. */
async function onEveryRow(request: PlacementRequest): Promise<string> {
  const placed = placeRequest(await loadPlacementHosts(db, pool.selector), request);
  if (!placed.ok) throw new Error(placed.error);
  return placed.placement.host;
}

it("lands where placement over every host's rows lands, for each NUMA policy and size", async () => {
  const requests = [
    ask(),
    ask({ count: 60, minPfs: 5 }),
    ask({ count: 100, numa: "preferred", minPfs: 1 }),
    ask({ count: 155, numa: "none" }),
    ask({ count: 8, guest: { name: "g-new", numaNode: 1 } }),
  ];
  const hosts: string[] = [];
  for (const request of requests) {
    const outcome = await placeAndReserve(db, queries, { request, pool, dryRun: true, actor: "test" });
    if (outcome.kind !== "planned") throw new Error(JSON.stringify(outcome));
    expect([request.count, outcome.placement.host]).toEqual([request.count, await onEveryRow(request)]);
    hosts.push(outcome.placement.host);
  }
  // Ready VFs beat bindable ones, the name breaks a tie, an offline host is never chosen, and
  // b-ready's 8 VFs in a guest leave it too few for 155.
  expect(hosts).toEqual(["b-ready", "b-ready", "b-ready", "c-ready", "b-ready"]);
});

it("a pool's default strategy decides where a request naming none goes; the request's own strategy wins", async () => {
  const saved = await savePool(db, {
    pool: { name: "cx5-spread", selector: pool.selector, strategy: "spread" },
    actor: "test",
    create: true,
  });
  if (!saved.ok) throw new Error(saved.reason);
  // Stored and read back as the placement route reads it.
  const spreadPool = (await getPool(db, "cx5-spread"))!;
  expect(spreadPool.strategy).toBe("spread");
  const body = PlacementBody.parse({ pool: "cx5-spread", count: 16, numa: "required", minPfs: 4, guest: { name: "g-new" } });
  const where = async (request: PlacementRequest) => {
    const outcome = await placeAndReserve(db, queries, { request, pool: request.pool as PoolView, dryRun: true, actor: "test" });
    if (outcome.kind !== "planned") throw new Error(JSON.stringify(outcome));
    return outcome.placement.host;
  };
  // Fewest jobs (no strategy) takes b-ready, first of the hosts with every VF ready; spread takes
  // the freest (c-ready: 160 free against b-ready's 152), pack the busiest that fits (b-ready).
  expect(await where(toPlacementRequest({ ...body, pool: "cx5" }, pool))).toBe("b-ready");
  expect(await where(toPlacementRequest(body, spreadPool))).toBe("c-ready");
  expect(await where(toPlacementRequest({ ...body, strategy: "pack" }, spreadPool))).toBe("b-ready");
  // A confirm places again with the strategy the preview was made with, not the request's absence of one.
  const preview = await placeAndReserve(db, queries, {
    request: toPlacementRequest(body, spreadPool),
    pool: spreadPool,
    dryRun: true,
    actor: "test",
  });
  if (preview.kind !== "planned") throw new Error(JSON.stringify(preview));
  const stored = await db.placementPreview.findUnique({ where: { id: preview.previewId! } });
  expect((stored!.request as { request: { strategy?: string } }).request.strategy).toBe("spread");
  // A pool's strategy outside pack and spread is refused, naming the field.
  const bad = PoolBody.safeParse({ name: "p", selector: { vendorId: "15b3" }, strategy: "fill" });
  expect(bad.success ? null : bad.error.issues.map((i) => [i.path.join("."), i.message])).toEqual([
    ["strategy", "must be pack (fill the busiest host that fits) or spread (balance the fleet)"],
  ]);
});

it("takes the next best candidate when a reservation takes the winner between the reads", async () => {
  const [b] = await findHostIds(db, { names: ["b-ready"] });
  let raced = false;
  // Another control plane reserves every free VF of b-ready right after the counts were read.
  const racing: SchedulerQueries = {
    ...queries,
    loadPoolSummaries: async (...args) => {
      const summaries = await loadPoolSummaries(...args);
      if (!raced) {
        raced = true;
        const [host] = await loadPlacementHosts(db, pool.selector, { hostIds: [b!] });
        const free = host!.pfs.flatMap((p) => [...classifyPf(p).ready, ...classifyPf(p).bindable]).map((v) => v.address);
        const reservations = free.map((address) => ({
          address,
          guest: "other",
          pool: "cx5",
          pf: null,
          transient: false,
          mac: null,
          vlan: null,
          previousDriver: "vfio-pci",
          previousMac: null,
          previousVlan: null,
        }));
        const job = {
          ref: "attach",
          job: {
            kind: "guest.attach" as const,
            params: { guest: "other", devices: [{ address: free[0]!, kind: "hostdev" as const }], live: false, config: true },
          },
          summary: "attach",
          dependsOn: [],
          resourceKeys: ["guest:other"],
          before: null,
        };
        expect((await createJobs(db, { hostId: b!, createdBy: "other", plan: { title: "other" }, jobs: [job], reservations })).ok).toBe(
          true,
        );
      }
      return summaries;
    },
  };
  const outcome = await placeAndReserve(db, racing, { request: ask(), pool, dryRun: true, actor: "test" });
  expect(raced).toBe(true);
  if (outcome.kind !== "planned") throw new Error(JSON.stringify(outcome));
  expect(outcome.placement.host).toBe("c-ready");
  expect(outcome.placement.host).toBe(await onEveryRow(ask()));
});

it("leaves ports without carrier out unless link is any, through the prefilter's per-node sums and per-PF rows alike", async () => {
  // The best host by every other measure (all 160 VFs ready, first by name), but no port has carrier.
  const host = await db.host.create({ data: { name: "a-unlinked", hostname: "a-unlinked", online: true } });
  const inventory = buildDgx2Inventory({ hostname: "a-unlinked" });
  for (const nic of inventory.interfaces) Object.assign(nic, { carrier: false, operstate: "down" });
  await storeSnapshot(db, host.id, { hash: "a-unlinked", scannedAt: new Date(), inventory });
  for (const o of [{}, { maxPerPf: 8 }]) {
    const linked = await placeAndReserve(db, queries, { request: ask(o), pool, dryRun: true, actor: "test" });
    if (linked.kind !== "planned") throw new Error(JSON.stringify(linked));
    expect([o, linked.placement.host]).toEqual([o, await onEveryRow(ask(o))]);
    expect(linked.placement.host).not.toBe("a-unlinked");
    expect(linked.placement.vfs.every((v) => v.port?.link === "up")).toBe(true);
    const any = await placeAndReserve(db, queries, { request: ask({ ...o, link: "any" }), pool, dryRun: true, actor: "test" });
    if (any.kind !== "planned") throw new Error(JSON.stringify(any));
    expect([o, any.placement.host, any.placement.vfs[0]!.port]).toEqual([
      o,
      "a-unlinked",
      { netdev: "enp53s0f0", link: "down", speedMbps: null },
    ]);
  }
});

it("a group with anti-affinity by host lands on distinct hosts in one transaction; a confirm that finds one guest's VF taken queues none", async () => {
  const group = { replicas: 3, antiAffinity: { by: "host" as const } };
  const request = ask({ count: 4, minPfs: undefined, numa: "none", link: "any", guest: { name: "grp", vcpus: 2, memoryMiB: 2048 } });
  const placed = await placeAndReserve(db, queries, { request, pool, dryRun: false, actor: "test", group });
  if (placed.kind !== "planned-group") throw new Error(JSON.stringify(placed));
  expect(placed.guests.map((g) => g.placement.guest.name)).toEqual(["grp-1", "grp-2", "grp-3"]);
  expect(new Set(placed.guests.map((g) => g.placement.host)).size).toBe(3);
  const reserved = await db.assignment.findMany({ where: { planId: { in: placed.guests.map((g) => g.plan!.id) }, transient: false } });
  expect(reserved.map((a) => a.address).sort()).toEqual(placed.guests.flatMap((g) => g.placement.vfs.map((v) => v.address)).sort());

  const preview = await placeAndReserve(db, queries, {
    request: { ...request, guest: { ...request.guest, name: "two" } },
    pool,
    dryRun: true,
    actor: "test",
    group: { replicas: 2, antiAffinity: { by: "host" } },
  });
  if (preview.kind !== "planned-group") throw new Error(JSON.stringify(preview));
  // Another operator takes one VF of the second guest's preview before the group is confirmed.
  const second = preview.guests[1]!.placement;
  const vf = second.vfs[0]!;
  const job = {
    ref: "attach",
    job: {
      kind: "guest.attach" as const,
      params: { guest: "other", devices: [{ address: vf.address, kind: "hostdev" as const }], live: false, config: true },
    },
    summary: "attach",
    dependsOn: [],
    resourceKeys: ["guest:other"],
    before: null,
  };
  const reservation = {
    address: vf.address,
    guest: "other",
    pool: "cx5",
    pf: vf.pf,
    transient: false,
    mac: null,
    vlan: null,
    previousDriver: vf.driver,
    previousMac: null,
    previousVlan: null,
  };
  expect(
    (
      await createJobs(db, {
        hostId: second.hostId,
        createdBy: "other",
        plan: { title: "other" },
        jobs: [job],
        reservations: [reservation],
      })
    ).ok,
  ).toBe(true);
  const plans = await db.plan.count();
  const confirmed = await confirmPlacement(db, queries, { id: preview.previewId!, actor: "test" });
  if (confirmed.kind !== "changed") throw new Error(JSON.stringify(confirmed));
  expect(confirmed.changes.join(" ")).toContain(vf.address);
  expect(confirmed.preview.kind).toBe("planned-group");
  expect(await db.plan.count()).toBe(plans);
  // All or nothing in the database too: when the second plan's reservation is refused inside the
  // transaction, the first plan (its own free VF on another host) is rolled back with it.
  const first = preview.guests[0]!.placement;
  const free = first.vfs[0]!;
  const own = (hostId: string, address: string, guest: string) => ({
    hostId,
    createdBy: "test",
    plan: { title: guest },
    jobs: [
      {
        ...job,
        job: { ...job.job, params: { ...job.job.params, guest, devices: [{ address, kind: "hostdev" as const }] } },
        resourceKeys: [`guest:${guest}`],
      },
    ],
    reservations: [{ ...reservation, address, guest, pf: null }],
  });
  const both = await createJobGroup(db, [own(first.hostId, free.address, "first"), own(second.hostId, vf.address, "second")]);
  expect(both.ok).toBe(false);
  expect(await db.plan.count()).toBe(plans);
  expect(await db.assignment.count({ where: { address: free.address, hostId: first.hostId } })).toBe(0);
});

it("a host that became a better candidate after the prefilter's answer was shared is seen by the next request", async () => {
  // Concurrent requests share the prefilter's answer; this one fills it.
  const before = await placeAndReserve(db, queries, { request: ask({ count: 8, minPfs: 2 }), pool, dryRun: true, actor: "test" });
  if (before.kind !== "planned") throw new Error(JSON.stringify(before));
  expect(before.placement.host).not.toBe("a0-ready");
  // A new host, as good as the best and first by name, stored right after.
  const id = await storeHost("a0-ready");
  try {
    const after = await placeAndReserve(db, queries, { request: ask({ count: 8, minPfs: 2 }), pool, dryRun: true, actor: "test" });
    if (after.kind !== "planned") throw new Error(JSON.stringify(after));
    expect(after.placement.host).toBe("a0-ready");
    expect(after.placement.host).toBe(await onEveryRow(ask({ count: 8, minPfs: 2 })));
  } finally {
    await db.host.delete({ where: { id } });
  }
});

it("rows a process keeps across its own reservations are the database's rows at the version they are kept at", async () => {
  const scope = JSON.stringify(pool.selector);
  for (let i = 0; i < 3; i++) {
    const outcome = await placeAndReserve(db, queries, {
      request: ask({ count: 4, minPfs: 2, guest: { name: `kept-${i}`, vcpus: 2, memoryMiB: 2048 } }),
      pool,
      dryRun: false,
      actor: "test",
    });
    if (outcome.kind !== "planned") throw new Error(JSON.stringify(outcome));
    const hostId = outcome.placement.hostId;
    // Kept at the version the commit left (not dropped to be read again)...
    const kept = placementHostCacheOf(db).peek(scope, hostId);
    const [summary] = await loadPoolSummaries(db, pool.selector, { hostIds: [hostId] });
    expect(kept?.version).toBe(summary!.version);
    // ...and exactly what the database's rows say now, the reservation's VFs reserved to the guest.
    const [fresh] = await loadPlacementHosts(db, pool.selector, { hostIds: [hostId] });
    expect(kept!.host).toEqual(fresh);
    const claims = fresh!.pfs.flatMap((p) => p.vfs).filter((v) => v.claim?.guest === `kept-${i}`);
    expect(claims.map((v) => v.address).sort()).toEqual(outcome.placement.vfs.map((v) => v.address).sort());
  }
});
