import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import type { PlacementRequest } from "@vfleet/core";
import { applyMigrations, createDb, getPool, savePool, startDatabase, type Db, type PoolView } from "@vfleet/db";
import { setCandidatesTtl, CANDIDATES_TTL_MS } from "../../apps/web/lib/placement/candidate-cache.ts";
import {
  confirmPlacement,
  inventoryCacheOf,
  placeAndReserve,
  placementHostCacheOf,
  INVENTORIES_PER_PROCESS,
  PLACEMENT_HOSTS_PER_PROCESS,
  type SchedulerQueries,
} from "../../apps/web/lib/placement/place-and-reserve.ts";
import { PLACEMENTS_PER_PROCESS } from "../../apps/web/lib/placement/placement-slots.ts";
import { schedulerQueries } from "../../apps/web/test/scheduler-queries.ts";
import { cloneHosts, storeTemplates } from "./placement.ts";
import { row } from "./measure.ts";
import { descendantsCpuMs, ownCpuMs } from "./process-tree-cpu.ts";

const CLIENTS = 8;
const HOSTS = 5000;
const SECONDS = 10;
const WARMUP_SECONDS = 5;
/** The peer: Kubernetes' scheduler with Dynamic Resource Allocation, 117-273 pods/s on 500 nodes (their figures, their machine). */
const PEER = { low: 117, high: 273, nodes: 500 };

/** `cpu`: CPU milliseconds per finished decision, of this process and of the embedded PostgreSQL. */
type Loop = { perSecond: number; kinds: Record<string, number>; calls: Record<string, number[]>; cpu: { node: number; pg: number } };

/** The scheduler's queries, each call's time kept by name: where a decision's time goes. */
function timedQueries(calls: Record<string, number[]>): SchedulerQueries {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(schedulerQueries) as [string, (...a: unknown[]) => Promise<unknown>][])
    out[name] = async (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        return await fn(...args);
      } finally {
        (calls[name] ??= []).push(performance.now() - t0);
      }
    };
  return out as SchedulerQueries;
}

/** `CLIENTS` callers in a loop for `SECONDS`, each call one decision; how many finished per second, of which kind, and the queries' times. */
async function loop(call: (q: SchedulerQueries, client: number, i: number) => Promise<string>, seconds = SECONDS): Promise<Loop> {
  const calls: Record<string, number[]> = {};
  const q = timedQueries(calls);
  const until = performance.now() + seconds * 1000;
  const kinds: Record<string, number> = {};
  let done = 0;
  const t0 = performance.now();
  const [node0, pg0] = [ownCpuMs(), descendantsCpuMs()];
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; performance.now() < until; i++) {
        const kind = await call(q, client, i);
        kinds[kind] = (kinds[kind] ?? 0) + 1;
        if (kind === "planned") done++;
      }
    }),
  );
  const per = (ms: number) => ms / Math.max(1, done);
  return {
    perSecond: done / ((performance.now() - t0) / 1000),
    kinds,
    calls,
    cpu: { node: per(ownCpuMs() - node0), pg: per(descendantsCpuMs() - pg0) },
  };
}

/** Per query: calls per decision and the median, slowest first by total time. */
function whereTimeGoes(l: Loop, decisions: number): string {
  return Object.entries(l.calls)
    .map(([name, t]) => ({ name, n: t.length, total: t.reduce((a, b) => a + b, 0), median: [...t].sort((a, b) => a - b)[t.length >> 1]! }))
    .sort((a, b) => b.total - a.total)
    .map((c) => `${c.name} ${(c.n / Math.max(1, decisions)).toFixed(1)}x ${c.median.toFixed(1)} ms`)
    .join(", ");
}

/**
 * CPU per decision and what it allows on the machine's cores were they idle: under a shared
 * machine's load the wall-clock rate says more about the neighbours than about the scheduler.
 */
const cpuNote = (l: Loop) =>
  `CPU per decision: node ${l.cpu.node.toFixed(1)} ms + PostgreSQL ${l.cpu.pg.toFixed(1)} ms = at most ${((cpus().length * 1000) / (l.cpu.node + l.cpu.pg)).toFixed(0)}/s on ${cpus().length} idle cores`;

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

/**
 * Throughput at the fleet's largest size: `CLIENTS` concurrent callers on one control-plane
 * process (one database client), each in a loop, for `SECONDS`: dry runs (the decision and its
 * checked jobs, kept as a preview), then confirmed placements (a dry run, then its confirm: plan
 * and reservations committed). Each is run twice in the same script: as the scheduler runs now
 * (the prefilter's answer shared for a moment between concurrent requests, inventories kept by
 * snapshot hash) and, as the peer, with both turned off (every request runs the prefilter and
 * reads the winner's whole inventory, as before). Afterwards no function may be reserved twice.
 */
export async function benchThroughput(url: string): Promise<void> {
  const db: Db = createDb(url);
  try {
    const saved = await savePool(db, {
      pool: { name: "cx5", selector: { vendorId: "15b3", deviceId: "1017" } },
      actor: "bench",
      create: true,
    });
    const pool: PoolView = saved.ok ? saved.pool : (await getPool(db, "cx5"))!;
    const ask = (name: string): PlacementRequest => ({
      pool,
      count: 16,
      numa: "required",
      link: "any",
      minPfs: 4,
      guest: { name, vcpus: 8, memoryMiB: 8192 },
    });
    const dry = (run: string) => (q: SchedulerQueries, c: number, i: number) =>
      placeAndReserve(db, q, { request: ask(`${run}-${c}-${i}`), pool, dryRun: true, actor: "bench" }).then((o) => o.kind);
    const confirm = (run: string) => async (q: SchedulerQueries, c: number, i: number) => {
      const preview = await placeAndReserve(db, q, { request: ask(`${run}-${c}-${i}`), pool, dryRun: true, actor: "bench" });
      if (preview.kind !== "planned") return `preview ${preview.kind}`;
      return (await confirmPlacement(db, q, { id: preview.previewId!, actor: "bench" })).kind;
    };
    const modes = [
      { name: "peer: prefilter per request, every inventory read", ttl: 0, inventories: 0, hosts: 0 },
      {
        name: `shared prefilter (${CANDIDATES_TTL_MS} ms), inventories by hash, rows by version`,
        ttl: CANDIDATES_TTL_MS,
        inventories: INVENTORIES_PER_PROCESS,
        hosts: PLACEMENT_HOSTS_PER_PROCESS,
      },
    ];
    console.log(
      `  throughput, ${CLIENTS} concurrent clients on one control-plane process (${PLACEMENTS_PER_PROCESS} placements at once), ${SECONDS} s each:`,
    );
    const results: { dry: Loop; confirmed: Loop }[] = [];
    for (const [m, mode] of modes.entries()) {
      setCandidatesTtl(mode.ttl);
      inventoryCacheOf(db).resize(mode.inventories);
      placementHostCacheOf(db).resize(mode.hosts);
      // Untimed first: the process's caches (and PostgreSQL's) filled as a running control plane's are.
      await loop(dry(`w${m}`), WARMUP_SECONDS);
      const before = load();
      const dryLoop = await loop(dry(`d${m}`));
      row(`    ${mode.name}: dry runs/s`, dryLoop.perSecond.toFixed(1), `${JSON.stringify(dryLoop.kinds)}; load average ${before}`);
      row("      where the time goes (calls per dry run, median)", "", whereTimeGoes(dryLoop, dryLoop.kinds.planned ?? 0));
      row("      cost", "", cpuNote(dryLoop));
      const confirmedLoop = await loop(confirm(`c${m}`));
      row(
        `    ${mode.name}: confirmed/s`,
        confirmedLoop.perSecond.toFixed(1),
        `${JSON.stringify(confirmedLoop.kinds)}; load average ${load()}`,
      );
      row("      where the time goes (calls per confirmed, median)", "", whereTimeGoes(confirmedLoop, confirmedLoop.kinds.planned ?? 0));
      row("      cost", "", cpuNote(confirmedLoop));
      results.push({ dry: dryLoop, confirmed: confirmedLoop });
    }
    setCandidatesTtl(CANDIDATES_TTL_MS);
    inventoryCacheOf(db).resize(INVENTORIES_PER_PROCESS);
    placementHostCacheOf(db).resize(PLACEMENT_HOSTS_PER_PROCESS);
    const [peer, ours] = results as [{ dry: Loop; confirmed: Loop }, { dry: Loop; confirmed: Loop }];
    row(
      "    ratio to the peer: dry runs / confirmed",
      `${(ours.dry.perSecond / peer.dry.perSecond).toFixed(1)}x / ${(ours.confirmed.perSecond / peer.confirmed.perSecond).toFixed(1)}x`,
      "targets 300 dry runs/s, 100 confirmed/s",
    );
    const twice = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM (SELECT "hostId", address FROM "Assignment" GROUP BY 1, 2 HAVING count(*) > 1) t`;
    const reserved = await db.assignment.count();
    row("    functions reserved twice after the runs", String(twice[0]!.n), `${reserved} reservations held`);
    row(
      `    peer: Kubernetes scheduler with DRA, ${PEER.nodes} nodes (their figures)`,
      `${PEER.low}-${PEER.high}/s`,
      `ours at ${HOSTS} hosts: ${ours.dry.perSecond.toFixed(0)} dry runs/s, ${ours.confirmed.perSecond.toFixed(0)} confirmed/s`,
    );
  } finally {
    await db.$disconnect();
  }
}

/** `pnpm bench placement-throughput`: the throughput rows alone, on a fleet of `HOSTS` stored hosts. */
export async function benchPlacementThroughput(): Promise<void> {
  console.log(
    `\nPlacement throughput: 16 VFs NUMA-local over >= 4 PFs at ${HOSTS} stored hosts (${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB; ${new Date().toISOString()})`,
  );
  const dir = await mkdtemp(join(tmpdir(), "vfleet-bench-throughput-"));
  const database = await startDatabase({ dataDir: dir });
  const db = createDb(database.url);
  try {
    await applyMigrations(database.url);
    await cloneHosts(db, await storeTemplates(db), 0, HOSTS);
    row(`fleet of ${HOSTS} hosts stored`, "", `${await db.virtualFunction.count()} VF rows; load average ${load()}`);
    await benchThroughput(database.url);
  } finally {
    await db.$disconnect();
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
