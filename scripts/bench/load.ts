import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations, createDb, createJobs, startDatabase, type Db } from "@vfleet/db";
import { createFakeFleet, type FakeFleet } from "../../apps/web/test/fake-fleet.ts";
import { startPlaneProcess, type PlaneProcess } from "../../apps/web/test/start-plane-process.ts";
import { startRoundRobinProxy, type Proxy } from "../../apps/web/test/round-robin-proxy.ts";
import { createRoleTokens } from "../../apps/web/test/start-test-stack.ts";
import { percentile, row } from "./measure.ts";
import { memoryMiB, treeCpuSeconds } from "./proc.ts";

/**
 * `pnpm bench load [agents] [processes]`: fake agents speaking the real protocol (in this process:
 * real sockets, real scans of simulated hosts, 5% DGX-2) against control-plane processes started
 * as operators start them (production build) on one embedded PostgreSQL. Phases: all connect at
 * once, steady (heartbeat 10 s), a burst of changed snapshots, jobs, a reconnect storm. Figures,
 * not assertions. Without arguments: 1,000 and 5,000 agents on one process, 5,000 on three.
 */
const APP = "vfleet-plane";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Wait until `done()` or `limitMs`; returns the time taken, or null when the limit passed. */
async function until(done: () => boolean | Promise<boolean>, limitMs: number): Promise<number | null> {
  const t0 = Date.now();
  while (!(await done())) {
    if (Date.now() - t0 > limitMs) return null;
    await sleep(100);
  }
  return Date.now() - t0;
}

interface ProcessSample {
  cpuSec: number;
  rssMiB: number;
  peakRssMiB: number;
  elu: number;
}

async function sample(plane: PlaneProcess): Promise<ProcessSample> {
  const text = await (await fetch(`${plane.url}/metrics`)).text();
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
  const pid = plane.child.pid!;
  return {
    cpuSec: metric("vfleet_process_process_cpu_seconds_total"),
    rssMiB: memoryMiB(pid, "VmRSS"),
    peakRssMiB: memoryMiB(pid, "VmHWM"),
    elu: metric("vfleet_event_loop_utilization"),
  };
}

/** CPU seconds used so far by the PostgreSQL serving `dataDir`: its postmaster and its backends, live or exited. */
async function databaseCpuSec(dataDir: string): Promise<number> {
  return treeCpuSeconds(Number((await readFile(join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]));
}

interface Samples {
  planes: ProcessSample[];
  dbCpuSec: number;
}

async function samples(planes: PlaneProcess[], dataDir: string): Promise<Samples> {
  return { planes: await Promise.all(planes.map(sample)), dbCpuSec: await databaseCpuSec(dataDir) };
}

const dbConnections = async (db: Db) =>
  Number((await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = ${APP}`)[0]!.n);

function report(phase: string, before: Samples, after: Samples, wallMs: number, extra: string) {
  const cpu = after.planes.map((a, i) => ((a.cpuSec - before.planes[i]!.cpuSec) / (wallMs / 1000)) * 100);
  row(`${phase}: event loop busy (per process)`, after.planes.map((a) => a.elu.toFixed(2)).join(" / "), extra);
  row(
    `${phase}: control-plane CPU, % of a core`,
    cpu.map((c) => c.toFixed(0)).join(" / "),
    `PostgreSQL: ${(((after.dbCpuSec - before.dbCpuSec) / (wallMs / 1000)) * 100).toFixed(0)}%`,
  );
  row(`${phase}: RSS now / peak so far, MiB`, after.planes.map((a) => `${a.rssMiB.toFixed(0)}/${a.peakRssMiB.toFixed(0)}`).join(" "));
}

async function scenario(agents: number, processCount: number): Promise<void> {
  console.log(
    `\nLoad: ${agents} agents (5% DGX-2, heartbeat 10 s) on ${processCount} control-plane process${processCount > 1 ? "es" : ""}, one embedded PostgreSQL`,
  );
  const dir = await mkdtemp(join(tmpdir(), "vfleet-bench-load-"));
  const pgDir = join(dir, "pg");
  const database = await startDatabase({ dataDir: pgDir });
  await applyMigrations(database.url);
  const db = createDb(database.url, { poolMax: 8 });
  const planeUrl = `${database.url}${database.url.includes("?") ? "&" : "?"}application_name=${APP}`;
  const secret = randomBytes(32).toString("base64url");
  const planes: PlaneProcess[] = [];
  let proxy: Proxy | null = null;
  let fleet: FakeFleet | null = null;
  const cpu0 = process.cpuUsage();
  const wall0 = Date.now();
  try {
    // VFLEET_BENCH_PLANE_NODE_ARGS="--cpu-prof --cpu-prof-dir=<dir>" profiles the control plane (written at exit).
    const nodeArgs = process.env.VFLEET_BENCH_PLANE_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
    for (let i = 0; i < processCount; i++)
      planes.push(await startPlaneProcess(planeUrl, secret, { nodeArgs, logFile: join(dir, `plane-${i}.log`) }));
    proxy = processCount > 1 ? await startRoundRobinProxy(planes.map((p) => ({ host: "127.0.0.1", port: p.port }))) : null;
    const agentUrl = proxy?.url ?? `${planes[0]!.url.replace(/^http/, "ws")}/agent`;
    const tokens = await createRoleTokens(db);
    const enrollT0 = Date.now();
    const f = await createFakeFleet(db, agents, { url: agentUrl, dgx2Share: 0.05, prefix: "load" });
    fleet = f;
    row("enrolled (token + redeem, 8 at a time)", s(Date.now() - enrollT0));

    // 1. All at once.
    let before = await samples(planes, pgDir);
    let t0 = Date.now();
    let peakConnections = 0;
    for (const a of f.agents) a.connect();
    const connectMs = await until(async () => {
      peakConnections = Math.max(peakConnections, await dbConnections(db));
      return f.agents.every((a) => a.synced);
    }, 300_000);
    const synced = f.agents.filter((a) => a.synced).length;
    let wall = Date.now() - t0;
    row(
      "connect at once: every first snapshot stored",
      connectMs === null ? `${synced}/${agents} in ${s(wall)}` : s(connectMs),
      `${(synced / (wall / 1000)).toFixed(0)} stores/s; closed 1011: ${f.stats.closeCodes.get(1011) ?? 0}`,
    );
    report("connect", before, await samples(planes, pgDir), wall, "");
    row("connect: PostgreSQL connections of the control plane, peak", String(peakConnections));

    // 2. Steady: heartbeats only, and the API under a reader.
    before = await samples(planes, pgDir);
    t0 = Date.now();
    const api: number[] = [];
    while (Date.now() - t0 < 30_000) {
      const r0 = performance.now();
      const res = await fetch(`${planes[api.length % planes.length]!.url}/api/v1/hosts?limit=50`, {
        headers: { authorization: `Bearer ${tokens.viewer}` },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET /api/v1/hosts: ${res.status}`);
      api.push(performance.now() - r0);
      await sleep(200);
    }
    api.sort((a, b) => a - b);
    wall = Date.now() - t0;
    row(
      "steady 30 s: GET /api/v1/hosts (page of 50) p50 / p99",
      `${percentile(api, 50).toFixed(0)} / ${percentile(api, 99).toFixed(0)} ms`,
      `${api.length} requests`,
    );
    report("steady", before, await samples(planes, pgDir), wall, "");
    row("steady: PostgreSQL connections of the control plane", String(await dbConnections(db)));

    // 3. A burst: 10% of the hosts change at once.
    before = await samples(planes, pgDir);
    t0 = Date.now();
    const burst = f.agents.filter((_, i) => i % 10 === 0);
    for (const a of burst)
      a.change((inv) => {
        inv.host.kernelCmdline += " burst=1";
      });
    const burstMs = await until(() => burst.every((a) => a.synced), 300_000);
    wall = Date.now() - t0;
    row(
      `burst: ${burst.length} changed snapshots stored`,
      burstMs === null ? "not all" : s(burstMs),
      `${(burst.length / (wall / 1000)).toFixed(0)} stores/s`,
    );
    report("burst", before, await samples(planes, pgDir), wall, "");

    // 4. Jobs: queued as the API queues them (createJobs), 20 a second, answered at once by the agents.
    before = await samples(planes, pgDir);
    t0 = Date.now();
    const jobCount = 300;
    for (let i = 0; i < jobCount; i++) {
      const k = (i * 7919) % agents;
      const pf = f.agents[k]!.hostInventory.devices.filter((d) => d.sriov).at(-1)!.address;
      const out = await createJobs(db, {
        hostId: f.hostIds[k]!,
        createdBy: "bench",
        jobs: [
          {
            ref: "a",
            job: { kind: "vf.set-count", params: { pf, count: 2 } },
            summary: `vf.set-count ${pf} -> 2`,
            dependsOn: [],
            resourceKeys: [`dev:${pf}`],
            before: null,
          },
        ],
      });
      if (!out.ok) throw new Error(`createJobs: ${JSON.stringify(out)}`);
      await sleep(50);
    }
    await until(async () => (await db.job.count({ where: { state: "succeeded" } })) === jobCount, 120_000);
    const done = await db.job.findMany({ where: { state: "succeeded" }, select: { createdAt: true, finishedAt: true } });
    const lat = done.map((j) => j.finishedAt!.getTime() - j.createdAt.getTime()).sort((a, b) => a - b);
    wall = Date.now() - t0;
    row(
      "jobs: queued -> result recorded, p50 / p99",
      `${percentile(lat, 50)} / ${percentile(lat, 99)} ms`,
      `${done.length}/${jobCount} succeeded`,
    );
    report("jobs", before, await samples(planes, pgDir), wall, "");

    // 5. Reconnect storm: every socket dropped at once; agents come back with the agent's jittered backoff.
    before = await samples(planes, pgDir);
    t0 = Date.now();
    const dropAt = Date.now();
    for (const a of f.agents) a.drop();
    const stormMs = await until(() => f.agents.every((a) => a.ackedAt > dropAt), 300_000);
    wall = Date.now() - t0;
    row(
      "reconnect storm: all back and acknowledged",
      stormMs === null ? `${f.agents.filter((a) => a.ackedAt > dropAt).length}/${agents}` : s(stormMs),
      `closed 1011 overall: ${f.stats.closeCodes.get(1011) ?? 0}`,
    );
    report("storm", before, await samples(planes, pgDir), wall, "");
    const online = await db.host.count({ where: { online: true } });
    row("agents held (hosts online at the end)", `${online}/${agents}`);
    row(
      "close codes the agents saw (whole run)",
      [...f.stats.closeCodes]
        .sort((a, b) => a[0] - b[0])
        .map(([code, n]) => `${code} x${n}`)
        .join(", ") || "none",
    );
  } finally {
    fleet?.stop();
    await proxy?.close();
    const own = process.cpuUsage(cpu0);
    row(
      "the benchmark's own CPU (load generator), % of a core",
      (((own.user + own.system) / 1000 / (Date.now() - wall0)) * 100).toFixed(0),
    );
    for (const p of planes) await p.stop();
    await db.$disconnect();
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchLoad(args: string[]): Promise<void> {
  const [agents, processes] = args.map(Number);
  if (agents) return scenario(agents, processes || 1);
  await scenario(1_000, 1);
  await scenario(5_000, 1);
  await scenario(5_000, 3);
}
