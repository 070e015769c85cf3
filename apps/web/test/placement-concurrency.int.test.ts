import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  applyMigrations,
  cancelJob,
  createDb,
  createJobs,
  findCandidateHosts,
  findHostIds,
  getHost,
  getPlan,
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
import { placeAndReserve, type PlaceOutcome } from "../lib/placement/place-and-reserve.ts";
import { buildDgx2Inventory } from "./build-dgx2-inventory.ts";

/**
 * Reservations under contention, as several control-plane processes would make them: eight
 * Prisma clients (each its own connection pool) run the scheduler's real path
 * (placeAndReserve: read, place, create plan + reservations in one transaction). 50 one-VF
 * requests for 50 new guests race for the 8 free VFs of one PF, with random delays, 200 times.
 * Each round must give exactly 8 plans and 42 "no capacity" answers, and the history must show
 * each VF reserved once per round. Rounds are undone by cancelling the plans (which gives the
 * reservations back, as a cancelled plan must).
 */
const ROUNDS = Number(process.env.RACE_ROUNDS ?? 200);
const REQUESTS = 50;
const PROCESSES = 8;
const PF = "0000:35:00.0";

let dir: string;
let database: Database;
let clients: Db[] = [];
let pool: PoolView;
const queries = { loadPlacementHosts, findCandidateHosts, loadPoolSummaries, findHostIds, listUsedMacs, getHost, createJobs, getPlan };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vfleet-placement-race-"));
  database = await startDatabase({ dataDir: join(dir, "pg") });
  await applyMigrations(database.url);
  // As PROCESSES control planes would be configured: their pools together stay under PostgreSQL's max_connections (100).
  clients = Array.from({ length: PROCESSES }, () => createDb(database.url, { poolMax: 10 }));
  const db = clients[0]!;
  const host = await db.host.create({ data: { name: "dgx2-01", hostname: "dgx2-01", online: true } });
  // One ConnectX-5 port of the DGX-2 whose first 8 VFs are in a guest: 8 free (ready) VFs left,
  // and no count change possible under an assigned VF.
  const inventory = buildDgx2Inventory({ assigned: 8 });
  const keep = (a: string) => !a.startsWith("0000:") || a.startsWith("0000:00:") || a.startsWith("0000:35:");
  inventory.devices = inventory.devices.filter((d) => keep(d.address));
  inventory.iommuGroups = inventory.iommuGroups.filter((g) => g.devices.every(keep));
  await storeSnapshot(db, host.id, { hash: "h1", scannedAt: new Date(), inventory });
  const saved = await savePool(db, {
    pool: { name: "one-pf", selector: { vendorId: "15b3", addresses: [PF] } },
    actor: "test",
    create: true,
  });
  if (!saved.ok) throw new Error(saved.reason);
  pool = saved.pool;
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.$disconnect()));
  await database?.stop();
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it(`${REQUESTS} one-VF requests onto 8 free VFs, ${ROUNDS} rounds: always 8 plans, ${REQUESTS - 8} clear "no capacity", no VF reserved twice`, async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const outcomes: PlaceOutcome[] = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        await sleep(Math.random() * 4);
        const request = {
          pool,
          count: 1,
          numa: "none" as const,
          guest: { name: `r${round}-g${i}`, host: "dgx2-01", vcpus: 2, memoryMiB: 2048 },
        };
        return placeAndReserve(clients[i % PROCESSES]!, queries, { request, pool, dryRun: false, actor: `op${i}` });
      }),
    );
    const planned = outcomes.filter((o): o is Extract<PlaceOutcome, { kind: "planned" }> => o.kind === "planned");
    const refused = outcomes.filter((o) => o.kind === "no-capacity");
    expect([round, planned.length, refused.length]).toEqual([round, 8, REQUESTS - 8]);
    for (const r of refused)
      expect((r as Extract<PlaceOutcome, { kind: "no-capacity" }>).error).toMatch(
        /^no host has 1 ready, bindable or creatable VFs; dgx2-01 has 0 /,
      );
    const planIds = planned.map((p) => p.plan!.id);
    const reservedEvents = await clients[0]!.assignmentEvent.findMany({ where: { planId: { in: planIds }, action: "reserved" } });
    expect(reservedEvents).toHaveLength(8);
    expect(new Set(reservedEvents.map((e) => e.address)).size).toBe(8);
    // Undo the round: a cancelled plan gives its reservation back.
    for (const p of planned) {
      const cancelled = await cancelJob(clients[0]!, { jobId: p.queued[0]!.id, actor: "test" });
      expect(cancelled.ok).toBe(true);
    }
    expect(await clients[0]!.assignment.count()).toBe(0);
  }
  // The whole history: per VF, reserved and given back strictly in turn, never reserved while held.
  const events = await clients[0]!.assignmentEvent.findMany({ orderBy: [{ address: "asc" }, { at: "asc" }] });
  const byVf = new Map<string, string[]>();
  for (const e of events) byVf.set(e.address, [...(byVf.get(e.address) ?? []), e.action]);
  expect(byVf.size).toBe(8);
  expect([...byVf.values()].reduce((n, a) => n + a.length, 0)).toBe(ROUNDS * 8 * 2);
  for (const [address, actions] of byVf) {
    const held = actions.reduce((h, a) => {
      const next = a === "reserved" ? h + 1 : h - 1;
      if (next < 0 || next > 1) throw new Error(`${address}: ${a} while ${h} reservations were held`);
      return next;
    }, 0);
    expect([address, held]).toEqual([address, 0]);
  }
}, 1_800_000);
