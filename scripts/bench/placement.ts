import { mkdtemp, rm } from "node:fs/promises";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { scanHost } from "@vfleet/agent/scan";
import {
  computePoolCapacity,
  placeRequest,
  poolCapacityOfSummaries,
  rankSummaryHosts,
  whatIf,
  whatIfOfSummaries,
  type PlacementHost,
  type PlacementRequest,
} from "@vfleet/core";
import {
  applyMigrations,
  createDb,
  findCandidateHosts,
  getHost,
  listUsedMacs,
  loadPlacementHosts,
  loadPoolSummaries,
  refreshNodeCapacity,
  refreshPfCapacity,
  startDatabase,
  storeSnapshot,
  type Db,
} from "@vfleet/db";
import type { Inventory } from "@vfleet/protocol";
import { hashContent } from "@vfleet/protocol/hash";
import { buildTree } from "@vfleet/simulator";
import { fmt, measure, percentile, row } from "./measure.ts";
import { benchThroughput } from "./placement-throughput.ts";

/**
 * Placement of "16 VFs NUMA-local, spread over at least 4 PFs" over a stored fleet of simulated
 * hosts (DGX-2s, Intel 82576 hosts, GPU workstations at several VF counts and fills), all in
 * PostgreSQL: the scheduler's path (SQL prefilter on the per-PF summary, then the candidates'
 * rows, then core's one-pass placement) at 1,250 / 2,500 / 5,000 hosts, against a naive peer that
 * enumerates every 16-VF combination per host and NUMA node, stopped at a time cap.
 */
const SIZES = [1250, 2500, 5000];
const RUNS = 101;
/** What-if and pool capacity per size; the full-rows peer takes seconds a run, so it runs fewer times. */
const READ_RUNS = 21;
const PEER_READ_RUNS = 3;
const PEER_CAP_MS = 10_000;

type Template = { name: string; inventory: Inventory };

async function templates(): Promise<Template[]> {
  const out: Template[] = [];
  const specs: [string, string, number][] = [
    ["dgx2", "dgx2-empty", 0],
    ["dgx2", "dgx2-half", 8],
    ["dgx2", "dgx2-full", 16],
    ["intel-82576", "i82576-empty", 0],
    ["intel-82576", "i82576-full", 7],
    ["gpu-workstation", "gpu-ws", 0],
  ];
  for (const [profile, name, vfs] of specs) {
    const dir = await mkdtemp(join(tmpdir(), "vfleet-bench-fleet-"));
    try {
      await buildTree(profile, dir, { vfs });
      out.push({ name, inventory: await scanHost(dir) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  // Fill levels: on the full DGX-2, every third VF already on vfio-pci (ready), the rest on mlx5_core.
  const full = out.find((t) => t.name === "dgx2-full")!;
  const ready = structuredClone(full.inventory);
  ready.devices
    .filter((d) => d.physfn)
    .forEach((d, i) => {
      if (i % 3 === 0) d.driver = "vfio-pci";
    });
  out.push({ name: "dgx2-third-ready", inventory: ready });
  return out;
}

/** Store every template as a host (`template-<name>`, offline); their ids, for cloneHosts. */
export async function storeTemplates(db: Db): Promise<string[]> {
  const ids: string[] = [];
  for (const t of await templates()) {
    const host = await db.host.create({ data: { name: `template-${t.name}`, hostname: t.name, online: false } });
    await storeSnapshot(db, host.id, { hash: hashContent(t.inventory), scannedAt: new Date(), inventory: t.inventory });
    ids.push(host.id);
  }
  return ids;
}

/** Copy a stored template host's rows to `count` new hosts in SQL (server side: a few seconds for a million rows). */
export async function cloneHosts(db: Db, templateIds: string[], from: number, to: number): Promise<void> {
  await db.$executeRawUnsafe(`CREATE TEMP TABLE IF NOT EXISTS clone_map (new_id text, template text, name text)`);
  await db.$executeRawUnsafe(`TRUNCATE clone_map`);
  await db.$executeRawUnsafe(
    `INSERT INTO clone_map SELECT gen_random_uuid()::text, (ARRAY[${templateIds.map((t) => `'${t}'`).join(",")}])[1 + (i % ${templateIds.length})], 'sim-' || lpad(i::text, 5, '0') FROM generate_series(${from}, ${to - 1}) AS i`,
  );
  await db.$executeRawUnsafe(`INSERT INTO "Host" (id, name, hostname, online, "lastSeenAt", "snapshotHash", "snapshotAt", facts, capacity)
    SELECT m.new_id, m.name, m.name, true, now(), h."snapshotHash", h."snapshotAt", h.facts, h.capacity FROM clone_map m JOIN "Host" h ON h.id = m.template`);
  for (const table of [
    "IommuGroup",
    "PciDevice",
    "PhysicalFunction",
    "VirtualFunction",
    "NetInterface",
    "Guest",
    "GuestHostdev",
    "PfCapacity",
    "NodeCapacity",
    "HostHealth",
  ]) {
    const cols = (
      await db.$queryRawUnsafe<{ c: string }[]>(
        `SELECT column_name AS c FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
        table,
      )
    ).map((r) => r.c);
    const list = cols.map((c) => `"${c}"`).join(", ");
    // NodeCapacity's key starts with the host id.
    const select = cols
      .map((c) => (c === "hostId" ? "m.new_id" : c === "key" ? `m.new_id || substr(t.key, length(t."hostId") + 1)` : `t."${c}"`))
      .join(", ");
    await db.$executeRawUnsafe(
      `INSERT INTO "${table}" (${list}) SELECT ${select} FROM "${table}" t JOIN clone_map m ON t."hostId" = m.template`,
    );
  }
  await db.$executeRawUnsafe(`ANALYZE`);
}

const pool = { name: "cx5", selector: { vendorId: "15b3", deviceId: "1017" } };
const ask = (i: number): PlacementRequest => ({
  pool,
  count: 16,
  numa: "required",
  // The simulated DGX-2 has carrier on 2 of its 10 ports (seed 000): the decision's cost is measured over all of them.
  link: "any",
  minPfs: 4,
  guest: { name: `bench-${i}`, vcpus: 8, memoryMiB: 8192 },
});

const phases = { prefilter: [] as number[], rank: [] as number[], load: [] as number[], place: [] as number[] };

/**
 * The scheduler's decision as POST /api/v1/placements makes it (before the plan's jobs are
 * built): the SQL prefilter, the choice among its candidates on their stored per-PF counts, then
 * the winner's rows and core's placement on them.
 */
async function schedule(db: Db, request: PlacementRequest) {
  const t0 = performance.now();
  const ids = await findCandidateHosts(db, {
    selector: request.pool.selector,
    count: request.count,
    numa: request.numa,
    link: request.link,
    minPfs: request.minPfs,
  });
  const t1 = performance.now();
  const best =
    ids && ids.length > 1
      ? rankSummaryHosts(await loadPoolSummaries(db, request.pool.selector, { hostIds: ids }), request).slice(0, 1)
      : ids;
  const t2 = performance.now();
  const hosts = await loadPlacementHosts(db, request.pool.selector, best ? { hostIds: best } : {});
  const t3 = performance.now();
  const placed = placeRequest(hosts, request);
  phases.prefilter.push(t1 - t0);
  phases.rank.push(t2 - t1);
  phases.load.push(t3 - t2);
  phases.place.push(performance.now() - t3);
  if (!placed.ok) throw new Error(placed.error);
  return placed.placement;
}

/** The same decision as the scheduler made it before: every candidate's rows read and placed on (the peer of the ranking). */
async function scheduleOnEveryCandidate(db: Db, request: PlacementRequest) {
  const ids = await findCandidateHosts(db, {
    selector: request.pool.selector,
    count: request.count,
    numa: request.numa,
    link: request.link,
    minPfs: request.minPfs,
  });
  const placed = placeRequest(await loadPlacementHosts(db, request.pool.selector, ids ? { hostIds: ids } : {}), request);
  if (!placed.ok) throw new Error(placed.error);
  return placed.placement;
}

/**
 * At the largest size, peers of each step in the same run: every candidate's rows read (no
 * choice on counts), which must pick the same host; the prefilter on per-PF rows, which must
 * give the same candidates; and the route's reads around the decision (the winner's inventory for its
 * jobs; the fleet's MACs, read only when a request names or allocates MACs).
 */
async function benchRouteReads(db: Db): Promise<void> {
  const same = (await schedule(db, ask(0))).hostId === (await scheduleOnEveryCandidate(db, ask(0))).hostId;
  const everyCandidate = await timed(READ_RUNS, () => scheduleOnEveryCandidate(db, ask(0)));
  const ranked = await timed(READ_RUNS, () => schedule(db, ask(0)));
  row(
    "  prefilter, then every candidate's rows (no choice on counts)",
    fmt(everyCandidate.median),
    `p99 ${fmt(everyCandidate.p99)} (${READ_RUNS} runs); ${(everyCandidate.median / ranked.median).toFixed(1)}x the scheduler; same host: ${same ? "yes" : "NO"}`,
  );
  // A per-PF cap no request reaches sends the same question to the per-PF rows (PfCapacity).
  const q = { selector: pool.selector, count: 16, numa: "required" as const, link: "any" as const, minPfs: 4 };
  const perNode = await timed(READ_RUNS, () => findCandidateHosts(db, q));
  const perPf = await timed(READ_RUNS, () => findCandidateHosts(db, { ...q, maxPerPf: 1 << 20 }));
  const sameIds =
    JSON.stringify(await findCandidateHosts(db, q)) === JSON.stringify(await findCandidateHosts(db, { ...q, maxPerPf: 1 << 20 }));
  row(
    "  SQL prefilter on per-node sums / on per-PF rows",
    `${fmt(perNode.median)} / ${fmt(perPf.median)}`,
    `p99 ${fmt(perNode.p99)} / ${fmt(perPf.p99)} (${READ_RUNS} runs); ${(perPf.median / perNode.median).toFixed(1)}x; same candidates: ${sameIds ? "yes" : "NO"}`,
  );
  const winner = (await schedule(db, ask(0))).hostId;
  const inventory = await timed(READ_RUNS, () => getHost(db, winner));
  const macs = await timed(READ_RUNS, () => listUsedMacs(db));
  row(
    "  route's other reads: winner's inventory / fleet's MACs",
    `${fmt(inventory.median)} / ${fmt(macs.median)}`,
    `p99 ${fmt(inventory.p99)} / ${fmt(macs.p99)} (${READ_RUNS} runs; MACs only for requests with MACs)`,
  );
}

/** What keeping the summaries costs after each stored snapshot of a DGX-2 (10 ConnectX-5 PFs), and the per-node sums' share of it. */
async function benchSummaryRefresh(db: Db, hostId: string): Promise<void> {
  const whole = await timed(READ_RUNS, () => refreshPfCapacity(db, hostId));
  const nodes = await timed(READ_RUNS, () => refreshNodeCapacity(db, hostId));
  row(
    "summary refresh of one DGX-2 (per-PF + per-node)",
    fmt(whole.median),
    `p99 ${fmt(whole.p99)} (${READ_RUNS} runs); the per-node sums alone ${fmt(nodes.median)} (${((nodes.median / whole.median) * 100).toFixed(0)}%)`,
  );
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** The naive peer: every combination of 16 free VFs of one NUMA node of one host, scored, until the cap. */
function enumeratePeer(hosts: PlacementHost[], capMs: number) {
  const t0 = performance.now();
  let combos = 0;
  let best: { host: string; cost: number } | null = null;
  let totalCombos = 0;
  let hostsDone = 0;
  outer: for (const host of hosts) {
    const nodes = [...new Set(host.pfs.map((p) => p.numaNode))];
    for (const node of nodes) {
      const free = host.pfs
        .filter((p) => p.numaNode === node && p.vendorId === "15b3")
        .flatMap((p) => [
          ...p.vfs.filter((v) => !v.claim && !v.hostUse).map((v) => ({ pf: p.address, cost: v.driver === "vfio-pci" ? 0 : 1 })),
          ...Array.from({ length: p.totalVfs - p.numVfs }, () => ({ pf: p.address, cost: 2 })),
        ]);
      if (free.length < 16) continue;
      totalCombos += binomial(free.length, 16);
      const idx = Array.from({ length: 16 }, (_, i) => i);
      for (;;) {
        combos++;
        const pfs = new Set(idx.map((i) => free[i]!.pf));
        if (pfs.size >= 4) {
          const cost = idx.reduce((s, i) => s + free[i]!.cost, 0);
          if (!best || cost < best.cost) best = { host: host.name, cost };
        }
        if ((combos & 0xffff) === 0 && performance.now() - t0 > capMs) break outer;
        let k = 15;
        while (k >= 0 && idx[k] === free.length - 16 + k) k--;
        if (k < 0) break;
        idx[k]!++;
        for (let j = k + 1; j < 16; j++) idx[j] = idx[j - 1]! + 1;
      }
    }
    hostsDone++;
  }
  return { ms: performance.now() - t0, combos, hostsDone, totalCombos, best };
}

const timed = (runs: number, fn: () => Promise<unknown>) => measure(fn, { runs, warmup: 0 });

/**
 * What-if ("where could 160 VFs go, NUMA-local or not") and pool capacity as their routes answer
 * them (the per-PF summary), against the peer they replaced (every host's VF rows through core),
 * which must give the same answer. The peer runs at the largest size only: it takes seconds.
 */
async function benchReads(db: Db, size: number, withPeer: boolean): Promise<void> {
  const request = { count: 160, numa: "required" as const };
  const summaryWhatIf = await timed(READ_RUNS, async () => whatIfOfSummaries(await loadPoolSummaries(db, pool.selector), request));
  const summaryCapacity = await timed(READ_RUNS, async () => poolCapacityOfSummaries(await loadPoolSummaries(db, pool.selector)));
  if (!withPeer) {
    row(
      `  what-if (160 VFs, NUMA) / pool capacity, ${size} hosts`,
      `${fmt(summaryWhatIf.median)} / ${fmt(summaryCapacity.median)}`,
      `p99 ${fmt(summaryWhatIf.p99)} / ${fmt(summaryCapacity.p99)} (${READ_RUNS} runs each)`,
    );
    return;
  }
  const same =
    JSON.stringify(whatIf(await loadPlacementHosts(db, pool.selector), { ...request, pool })) ===
    JSON.stringify(whatIfOfSummaries(await loadPoolSummaries(db, pool.selector), request));
  const peerWhatIf = await timed(PEER_READ_RUNS, async () => whatIf(await loadPlacementHosts(db, pool.selector), { ...request, pool }));
  const peerCapacity = await timed(PEER_READ_RUNS, async () =>
    computePoolCapacity(pool.selector, await loadPlacementHosts(db, pool.selector)),
  );
  row(
    `  what-if (160 VFs, NUMA), ${size} hosts, per-PF summary`,
    fmt(summaryWhatIf.median),
    `p99 ${fmt(summaryWhatIf.p99)} (${READ_RUNS} runs); every VF row: ${fmt(peerWhatIf.median)} (${(peerWhatIf.median / summaryWhatIf.median).toFixed(0)}x); same answer: ${same ? "yes" : "NO"}`,
  );
  row(
    `  pool capacity, ${size} hosts, per-PF summary`,
    fmt(summaryCapacity.median),
    `p99 ${fmt(summaryCapacity.p99)} (${READ_RUNS} runs); every VF row: ${fmt(peerCapacity.median)} (${(peerCapacity.median / summaryCapacity.median).toFixed(0)}x)`,
  );
}

export async function benchPlacement(): Promise<void> {
  console.log(
    `\nPlacement: 16 VFs NUMA-local over >= 4 PFs, stored simulated fleet (${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB)`,
  );
  const dir = await mkdtemp(join(tmpdir(), "vfleet-bench-placement-"));
  const database = await startDatabase({ dataDir: dir });
  const db = createDb(database.url);
  try {
    await applyMigrations(database.url);
    const ids = await storeTemplates(db);
    let stored = 0;
    const medians: { hosts: number; median: number; p99: number }[] = [];
    for (const size of SIZES) {
      const t0 = performance.now();
      await cloneHosts(db, ids, stored, size);
      stored = size;
      const vfRows = await db.virtualFunction.count();
      row(`fleet of ${size} hosts stored`, fmt(performance.now() - t0), `${vfRows} VF rows, ${await db.pfCapacity.count()} PF summaries`);
      for (let i = 0; i < 5; i++) await schedule(db, ask(i));
      for (const list of Object.values(phases)) list.length = 0;
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await schedule(db, ask(i));
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      const m = { hosts: size, median: percentile(times, 50), p99: percentile(times, 99) };
      medians.push(m);
      const med = (l: number[]) =>
        fmt(
          percentile(
            [...l].sort((a, b) => a - b),
            50,
          ),
        );
      row(
        `  scheduler placement, ${size} hosts: median / p99`,
        `${fmt(m.median)}`,
        `p99 ${fmt(m.p99)} (${RUNS} runs); medians: SQL prefilter ${med(phases.prefilter)}, choice on the candidates' counts ${med(phases.rank)}, winner's rows ${med(phases.load)}, placement ${med(phases.place)}`,
      );
      if (size === SIZES[SIZES.length - 1]) await benchRouteReads(db);
      if (size === SIZES[SIZES.length - 1]) await benchThroughput(database.url);
      await benchReads(db, size, size === SIZES[SIZES.length - 1]);
    }
    await benchSummaryRefresh(db, ids[1]!);
    const [first, , last] = medians;
    row(
      "growth 1,250 -> 5,000 hosts (4x the hosts)",
      `${(last!.median / first!.median).toFixed(2)}x`,
      `p99 ${(last!.p99 / first!.p99).toFixed(2)}x`,
    );

    const tl = performance.now();
    const everything = await loadPlacementHosts(db, pool.selector);
    const loadMs = performance.now() - tl;
    const peer = enumeratePeer(
      everything.filter((h) => h.online),
      PEER_CAP_MS,
    );
    row("naive peer: load every host's VFs first", fmt(loadMs), `${everything.length} hosts`);
    row(
      `naive peer: enumerate 16-VF combinations (cap ${PEER_CAP_MS / 1000} s)`,
      fmt(peer.ms),
      `${peer.combos.toExponential(2)} combinations, ${peer.hostsDone} hosts finished; ${peer.totalCombos.toExponential(2)} to go through on the hosts it reached`,
    );
    row(
      "ratio peer (stopped) / scheduler median at 5,000 hosts",
      `> ${((peer.ms + loadMs) / last!.median).toFixed(0)}x`,
      "the peer never finished",
    );
  } finally {
    await db.$disconnect();
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
