import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import WebSocket from "ws";
import { HANDSHAKE_TIMEOUT_MS } from "@vfleet/agent/session";
import { applyMigrations, createDb, createJobs, startDatabase, type Db } from "@vfleet/db";
import { createAgentFleet, type AgentFleet } from "../../apps/web/test/agent-fleet.ts";
import { startPlaneProcess, type PlaneProcess } from "../../apps/web/test/start-plane-process.ts";
import { startRoundRobinProxy, type Proxy } from "../../apps/web/test/round-robin-proxy.ts";
import { createRoleTokens } from "../../apps/web/test/start-test-stack.ts";
import { percentile, row } from "./measure.ts";
import { memoryMiB, treeCpuSeconds } from "./proc.ts";

/**
 * `pnpm bench load [agents] [processes]`: agents running the real agent's connection code (in this
 * process: `startAgentSession` with its handshake timeout, backoff and Retry-After handling, real
 * sockets, real scans of simulated hosts, 5% DGX-2) against control-plane processes started as
 * operators start them (production build) on one embedded PostgreSQL. Phases: all connect at once,
 * steady (heartbeat 10 s), a burst of changed snapshots, jobs, a reconnect storm (every agent's
 * socket killed by the kernel: `ss -K`). Figures, not assertions. Without arguments: 5,000 and
 * 10,000 agents on one process, 20,000 on four.
 */
const APP = "vfleet-plane";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
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

/** Control-plane counters from /metrics, summed over the processes. */
async function counter(planes: PlaneProcess[], name: string): Promise<number> {
  let total = 0;
  for (const p of planes) {
    const text = await (await fetch(`${p.url}/metrics`)).text();
    total += Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  }
  return total;
}

/**
 * How long the control plane takes to answer an upgrade (the 101, or a 503 telling when to come
 * back) while agents connect: one probe every 250 ms with an unknown credential (answered with the
 * 101 and then 4401 after the same authentication read a real agent's upgrade costs), timed to the
 * answer's headers. This is what the agent's handshake timeout must stay above.
 */
function probeUpgrades(url: string): { stop: () => { answers: number[]; busy: number; timedOut: number } } {
  const answers: number[] = [];
  let busy = 0;
  let timedOut = 0;
  const tick = setInterval(() => {
    const t0 = performance.now();
    const ws = new WebSocket(url, { headers: { authorization: "Bearer probe-unknown-credential" }, handshakeTimeout: 60_000 });
    ws.on("upgrade", () => answers.push(performance.now() - t0));
    ws.on("unexpected-response", (_req, res) => {
      answers.push(performance.now() - t0);
      if (res.statusCode === 503) busy++;
      res.resume();
      ws.terminate();
    });
    ws.on("error", (err) => {
      if (err.message.includes("handshake has timed out")) timedOut++;
    });
  }, 250);
  return {
    stop: () => {
      clearInterval(tick);
      return { answers: answers.sort((a, b) => a - b), busy, timedOut };
    },
  };
}

function reportProbe(phase: string, probe: { answers: number[]; busy: number; timedOut: number }) {
  const a = probe.answers;
  row(
    `${phase}: upgrade answered (probe) p50 / p99 / max`,
    `${percentile(a, 50).toFixed(0)} / ${percentile(a, 99).toFixed(0)} / ${(a.at(-1) ?? NaN).toFixed(0)} ms`,
    `${a.length} probes, ${probe.busy} answered 503, ${probe.timedOut} unanswered in 60 s; agent's timeout ${HANDSHAKE_TIMEOUT_MS} ms`,
  );
}

function reportAgents(phase: string, fleet: AgentFleet, before: AgentFleet["stats"]) {
  const st = fleet.stats;
  row(
    `${phase}: handshake timeouts / told to wait / 4423`,
    `${st.handshakeTimeouts - before.handshakeTimeouts} / ${st.toldToWait - before.toldToWait} / ${st.credentialConflicts - before.credentialConflicts}`,
    `upgrades that succeeded: ${st.connections - before.connections}`,
  );
}

const snapshotOf = (st: AgentFleet["stats"]): AgentFleet["stats"] => ({ ...st, closeCodes: new Map(st.closeCodes) });

/** Kill every TCP connection to `port` in the kernel (both ends see a reset), as a network failure would. */
async function killConnections(port: number): Promise<void> {
  await promisify(execFile)("ss", ["-K", "-t", "dst", "127.0.0.1", "dport", "=", `:${port}`], { maxBuffer: 64 << 20 });
}

async function scenario(agents: number, processCount: number): Promise<void> {
  console.log(
    `\nLoad: ${agents} real agents (5% DGX-2, heartbeat 10 s) on ${processCount} control-plane process${processCount > 1 ? "es" : ""}, one embedded PostgreSQL; load average ${load()}`,
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
  let fleet: AgentFleet | null = null;
  const cpu0 = process.cpuUsage();
  const wall0 = Date.now();
  try {
    // VFLEET_BENCH_PLANE_NODE_ARGS="--cpu-prof --cpu-prof-dir=<dir>" profiles the control plane (written at exit).
    const nodeArgs = process.env.VFLEET_BENCH_PLANE_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
    // PostgreSQL's 100 connections: each process holds its pool, LISTEN and up to four for the limiter.
    const env: Record<string, string> = processCount > 3 ? { VFLEET_DB_POOL_MAX: "15" } : {};
    for (let i = 0; i < processCount; i++)
      planes.push(await startPlaneProcess(planeUrl, secret, { nodeArgs, env, logFile: join(dir, `plane-${i}.log`) }));
    proxy = processCount > 1 ? await startRoundRobinProxy(planes.map((p) => ({ host: "127.0.0.1", port: p.port }))) : null;
    const agentUrl = proxy?.url ?? `${planes[0]!.url.replace(/^http/, "ws")}/agent`;
    const agentPort = Number(new URL(agentUrl).port);
    const tokens = await createRoleTokens(db);
    const enrollT0 = Date.now();
    const f = await createAgentFleet(db, agents, { url: agentUrl, dgx2Share: 0.05, prefix: "load" });
    fleet = f;
    row("enrolled (token + redeem, 8 at a time)", s(Date.now() - enrollT0));

    // 1. All at once.
    let before = await samples(planes, pgDir);
    let agentsBefore = snapshotOf(f.stats);
    let t0 = Date.now();
    let peakConnections = 0;
    let probe = probeUpgrades(agentUrl);
    f.start();
    const connectMs = await until(async () => {
      peakConnections = Math.max(peakConnections, await dbConnections(db));
      return f.agents.every((a) => a.synced);
    }, 600_000);
    const synced = f.agents.filter((a) => a.synced).length;
    let wall = Date.now() - t0;
    row(
      "connect at once: every first snapshot stored",
      connectMs === null ? `${synced}/${agents} in ${s(wall)}` : s(connectMs),
      `${(synced / (wall / 1000)).toFixed(0)} stores/s; load average ${load()}`,
    );
    reportProbe("connect", probe.stop());
    reportAgents("connect", f, agentsBefore);
    row("connect: credential conflicts logged (control plane)", String(await counter(planes, "vfleet_agent_credential_conflicts_total")));
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
      `${api.length} requests; load average ${load()}`,
    );
    report("steady", before, await samples(planes, pgDir), wall, "");
    row("steady: PostgreSQL connections of the control plane", String(await dbConnections(db)));

    // 3. Jobs in the steady phase: queued as the API queues them (createJobs), 20 a second, answered at once by the agents' job runners.
    before = await samples(planes, pgDir);
    t0 = Date.now();
    const jobCount = 300;
    for (let i = 0; i < jobCount; i++) {
      const k = (i * 7919) % agents;
      const pf = f.agents[k]!.inventory.devices.filter((d) => d.sriov).at(-1)!.address;
      const out = await createJobs(db, {
        hostId: f.agents[k]!.hostId,
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
      "jobs: accepted -> result recorded, p50 / p99",
      `${percentile(lat, 50)} / ${percentile(lat, 99)} ms`,
      `${done.length}/${jobCount} succeeded; load average ${load()}`,
    );
    report("jobs", before, await samples(planes, pgDir), wall, "");

    // 4. A burst: 10% of the hosts change at once (each agent notices at its next tick, 1.5 s).
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
      `${(burst.length / (wall / 1000)).toFixed(0)} stores/s, including the agents' 1.5 s tick`,
    );
    report("burst", before, await samples(planes, pgDir), wall, "");

    // 5. Reconnect storm: every agent's connection reset at once; the agents come back with their own backoff.
    before = await samples(planes, pgDir);
    agentsBefore = snapshotOf(f.stats);
    t0 = Date.now();
    const dropAt = Date.now();
    probe = probeUpgrades(agentUrl);
    await killConnections(agentPort);
    const stormMs = await until(() => f.agents.every((a) => a.confirmedAt > dropAt), 600_000);
    wall = Date.now() - t0;
    row(
      "reconnect storm: all back and acknowledged",
      stormMs === null ? `${f.agents.filter((a) => a.confirmedAt > dropAt).length}/${agents}` : s(stormMs),
      `load average ${load()}`,
    );
    reportProbe("storm", probe.stop());
    reportAgents("storm", f, agentsBefore);
    row(
      "storm: credential conflicts logged (control plane, whole run)",
      String(await counter(planes, "vfleet_agent_credential_conflicts_total")),
    );
    report("storm", before, await samples(planes, pgDir), wall, "");
    const online = await db.host.count({ where: { online: true } });
    row("agents held (hosts online at the end)", `${online}/${agents}`);
    row("agents told to wait, whole run (control plane)", String(await counter(planes, "vfleet_agents_told_to_wait_total")));
    row(
      "close codes the agents saw (whole run)",
      [...f.stats.closeCodes]
        .sort((a, b) => a[0] - b[0])
        .map(([code, n]) => `${code} x${n}`)
        .join(", ") || "none",
    );
  } finally {
    await fleet?.stop();
    await proxy?.close();
    const own = process.cpuUsage(cpu0);
    row(
      "the benchmark's own CPU (load generator), % of a core",
      (((own.user + own.system) / 1000 / (Date.now() - wall0)) * 100).toFixed(0),
      `its RSS peak ${memoryMiB(process.pid, "VmHWM").toFixed(0)} MiB`,
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
  await scenario(5_000, 1);
  await scenario(10_000, 1);
  await scenario(20_000, 4);
}
