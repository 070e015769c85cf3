import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyMigrations, createDb, createEnrollmentToken, redeemEnrollmentToken, startDatabase, type Database, type Db } from "@vfleet/db";
import { CloseCode } from "@vfleet/protocol";
import { FakeAgent, newStats, type FakeAgentStats } from "./fake-agent.ts";
import { scanProfiles } from "./scan-profiles.ts";
import { startPlaneProcess, type PlaneProcess } from "./start-plane-process.ts";

/**
 * A copied agent credential behind a load balancer: two control-plane processes
 * (production build, each its own OS process) on one PostgreSQL, and two agents speaking the real
 * protocol with one credential, one per process. The database decides: the first keeps the host,
 * the second is refused with 4423 and the conflict is recorded naming both processes. When the
 * first process is killed (SIGKILL: it releases nothing), the second gets in once the host has
 * been silent for two heartbeat intervals, without another 4423 (a real agent backs off minutes).
 */
const HEARTBEAT_MS = 500;
let dir: string;
let database: Database;
let db: Db;
let planes: PlaneProcess[] = [];
const agents: FakeAgent[] = [];
const secret = randomBytes(32).toString("base64url");
const processIdOf = (p: PlaneProcess) => /"processId":"([0-9a-f-]{36})"/.exec(p.output())![1]!;
const agentUrl = (p: PlaneProcess) => `${p.url.replace(/^http/, "ws")}/agent`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vfleet-fence-mp-"));
  database = await startDatabase({ dataDir: join(dir, "pg") });
  await applyMigrations(database.url);
  db = createDb(database.url);
  const env = { VFLEET_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS), VFLEET_OFFLINE_AFTER_MS: "5000" };
  planes = await Promise.all([0, 1].map(() => startPlaneProcess(database.url, secret, { env })));
}, 240_000);
afterAll(async () => {
  for (const a of agents) a.stop();
  await Promise.all(planes.map((p) => p.stop()));
  await db?.$disconnect();
  await database?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("two sockets of one credential on two processes: the first keeps the host, the second gets 4423 and is audited; the first's process killed, the second gets in", async () => {
  const { small: inventory } = await scanProfiles();
  const { token } = await createEnrollmentToken(db, { hostName: "fence-mp-01" });
  const host = (await redeemEnrollmentToken(db, { token, hostname: inventory.host.hostname }))!;
  const stats: [FakeAgentStats, FakeAgentStats] = [newStats(), newStats()];
  const [real, copy] = planes.map(
    (p, i) =>
      new FakeAgent(
        { url: agentUrl(p), credential: host.credential, inventory: structuredClone(inventory), reconnect: i === 0, backoffBaseMs: 100 },
        stats[i]!,
      ),
  );
  agents.push(real!, copy!);
  const [first, second] = planes.map(processIdOf);

  real!.connect();
  await expect.poll(() => real!.synced, { timeout: 30_000 }).toBe(true);
  const held = await db.host.findUniqueOrThrow({ where: { id: host.hostId } });
  expect(held.sessionProcessId).toBe(first);

  // The copy reaches the other process while the real agent heartbeats on the first.
  copy!.connect();
  await expect.poll(() => stats[1].closeCodes.get(CloseCode.CREDENTIAL_IN_USE) ?? 0, { timeout: 30_000 }).toBe(1);
  expect(copy!.connections).toBe(1);
  expect(copy!.ackedHash).toBeNull();
  const after = await db.host.findUniqueOrThrow({ where: { id: host.hostId } });
  expect(after).toMatchObject({ online: true, sessionProcessId: first, connectedAt: held.connectedAt, credentialConflicts: 1 });
  expect(after.credentialConflictAt).not.toBeNull();
  expect(real!.connections).toBe(1); // never disconnected: no flapping
  const [event] = await db.auditEvent.findMany({ where: { hostId: host.hostId, action: "agent.credential-conflict" } });
  expect(event?.summary).toContain(`on control-plane process ${first}`);
  expect(event?.before).toMatchObject({ kept: { process: first, since: held.connectedAt!.toISOString() } });
  expect(event?.after).toMatchObject({ refused: { process: second }, conflicts: 1 });
  expect(planes[1]!.output()).toContain("agent credential conflict");

  // The first process dies without a word; the copy keeps trying and gets in once the host is silent.
  await planes[0]!.kill();
  const killedAt = Date.now();
  const retry = setInterval(() => {
    if (!copy!.synced && !copy!.connecting) copy!.connect();
  }, 200);
  try {
    await expect.poll(() => copy!.synced, { timeout: 30_000 }).toBe(true);
  } finally {
    clearInterval(retry);
  }
  const taken = await db.host.findUniqueOrThrow({ where: { id: host.hostId } });
  expect(taken).toMatchObject({ online: true, sessionProcessId: second });
  expect(taken.connectedAt!.getTime()).toBeGreaterThanOrEqual(killedAt);
  // Never refused 4423 once the holder was dead (a real agent would back off for minutes): the
  // second process waited for the host's silence instead, or said "try again" (1013).
  expect(stats[1].closeCodes.get(CloseCode.CREDENTIAL_IN_USE)).toBe(1);
}, 120_000);
