import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyMigrations, createDb, startDatabase, type Database, type Db } from "@vfleet/db";
import { createAgentFleet, type AgentFleet } from "./agent-fleet.ts";
import { apiClient, previewAndConfirm } from "./jobs-helpers.ts";
import { startPlaneProcess, type PlaneProcess } from "./start-plane-process.ts";
import { startRoundRobinProxy, type Proxy } from "./round-robin-proxy.ts";
import { createRoleTokens } from "./start-test-stack.ts";

/**
 * Several processes, one PostgreSQL: three control-plane processes (production
 * build, each its own OS process) on one embedded PostgreSQL, agents spread over them by a TCP
 * round-robin balancer (each agent the real agent's session code and job runner). Jobs are queued through the API of every process in turn, held
 * in flight by the agents, a fourth process starts (its recovery must leave the others' jobs
 * alone), then one process is killed with SIGKILL: its agents reconnect through the balancer to
 * the others and every job ends succeeded exactly once.
 */
const AGENTS = 30;
let dir: string;
let database: Database;
let db: Db;
let planes: PlaneProcess[] = [];
let proxy: Proxy;
let fleet: AgentFleet;
let operator: string;
const secret = randomBytes(32).toString("base64url");
const processIdOf = (p: PlaneProcess) => /"processId":"([0-9a-f-]{36})"/.exec(p.output())![1]!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vfleet-multi-"));
  database = await startDatabase({ dataDir: join(dir, "pg") });
  await applyMigrations(database.url);
  db = createDb(database.url);
  operator = (await createRoleTokens(db)).operator;
  planes = await Promise.all([0, 1, 2].map(() => startPlaneProcess(database.url, secret)));
  proxy = await startRoundRobinProxy(planes.map((p) => ({ host: "127.0.0.1", port: p.port })));
  fleet = await createAgentFleet(db, AGENTS, { url: proxy.url, prefix: "mp" });
}, 240_000);
afterAll(async () => {
  await fleet?.stop();
  await proxy?.close();
  await Promise.all(planes.map((p) => p.stop()));
  await db?.$disconnect();
  await database?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const jobs = () => db.job.findMany({ select: { id: true, hostId: true, state: true, attempt: true, ownerId: true } });

it("a job queued through any process reaches its agent; a new process leaves live peers' jobs alone; a killed process's agents move and every job succeeds once", async () => {
  fleet.start();
  await expect.poll(() => fleet.agents.filter((a) => a.synced).length, { timeout: 60_000, interval: 200 }).toBe(AGENTS);
  expect([...proxy.picks.values()].every((n) => n >= AGENTS / 3 - 1)).toBe(true);

  // One job per host, queued through the three processes' APIs in turn; the agents hold them (running).
  fleet.holdJobs = true;
  for (const [i, agent] of fleet.agents.entries()) {
    // The second port: the first carries a VF assigned to the profile's guest.
    const pf = agent.inventory.devices.filter((d) => d.sriov).at(-1)!.address;
    const res = await previewAndConfirm(apiClient(planes[i % 3]!.url, operator), "/api/v1/jobs", {
      hostId: agent.hostId,
      job: { kind: "vf.set-count", params: { pf, count: 2 } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  await expect
    .poll(async () => (await jobs()).filter((j) => j.state === "dispatched").length, { timeout: 60_000, interval: 200 })
    .toBe(AGENTS);
  const ids = planes.map(processIdOf);
  const before = await jobs();
  // Each job was dispatched by the process holding its agent's socket, whichever process queued it.
  expect(new Set(before.map((j) => j.ownerId))).toEqual(new Set(ids));

  // A fourth process starts while the jobs are in flight: its start-up recovery touches none of them.
  planes.push(await startPlaneProcess(database.url, secret));
  expect((await jobs()).map((j) => [j.id, j.state, j.attempt]).sort()).toEqual(before.map((j) => [j.id, "dispatched", 1]).sort());

  // Kill process 2 outright. Its agents reconnect through the balancer to a live one, which redelivers their jobs.
  const victim = ids[1]!;
  const moved = new Set(before.filter((j) => j.ownerId === victim).map((j) => j.id));
  expect(moved.size).toBeGreaterThan(0);
  await planes[1]!.kill();
  await expect
    .poll(async () => (await jobs()).filter((j) => j.state === "dispatched" && j.ownerId !== victim).length, {
      timeout: 60_000,
      interval: 200,
    })
    .toBe(AGENTS);

  fleet.holdJobs = false;
  fleet.releaseJobs();
  await expect
    .poll(async () => (await jobs()).filter((j) => j.state === "succeeded").length, { timeout: 60_000, interval: 200 })
    .toBe(AGENTS);
  for (const j of await jobs()) expect([j.id, j.attempt]).toEqual([j.id, moved.has(j.id) ? 2 : 1]);
  expect(await db.auditEvent.count({ where: { action: "job.succeeded" } })).toBe(AGENTS);
  expect(await db.host.count({ where: { online: true } })).toBe(AGENTS);
  expect(fleet.stats.closeCodes.get(1011) ?? 0).toBe(0);
  console.log(
    `multi-process: ${AGENTS} agents over 3 processes (${[...proxy.picks.values()].join("/")} connections), ${moved.size} jobs moved with their agents after SIGKILL`,
  );
}, 300_000);
