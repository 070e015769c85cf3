import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { auditFleet, checkStatuses } from "@vfleet/core";
import { applyMigrations, createDb, getHost, listHosts, readFleetHealth, startDatabase, type Db } from "@vfleet/db";
import type { Inventory } from "@vfleet/protocol";
import { startPlaneProcess, type PlaneProcess } from "../../apps/web/test/start-plane-process.ts";
import { createRoleTokens } from "../../apps/web/test/start-test-stack.ts";
import { needsWebBuild } from "../lib/web-build.ts";
import { fmt, measure, row } from "./measure.ts";
import { cloneHosts, storeTemplates } from "./placement.ts";

/**
 * `pnpm bench fleet-audit`: the fleet audit over 5,000 stored hosts (the placement bench's fleet:
 * simulated DGX-2s, Intel 82576 hosts and GPU workstations, scanned, stored and copied in SQL, with
 * their stored health), as `GET /api/v1/audit/fleet` and the `/audit` matrix page answer it from
 * the production control plane: from the check statuses stored per host. Peer in the same run:
 * auditing every stored inventory on the request, as the route did before (its reads and audit,
 * in-process: over HTTP it does not answer within fetch's 300 s header timeout on this machine).
 */
const HOSTS = 5000;
const RUNS = 9;

/** The fleet audit as the route computed it before: every host's inventory read and audited on the request. */
async function auditEveryInventory(db: Db) {
  const hosts: { name: string; inventory: Inventory }[] = [];
  for (const s of await listHosts(db)) {
    const found = await getHost(db, s.id);
    if (found?.inventory) hosts.push({ name: s.name, inventory: found.inventory });
  }
  return auditFleet(hosts);
}

async function timeGet(url: string, token: string) {
  let bytes = 0;
  const m = await measure(
    async () => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      bytes = (await res.arrayBuffer()).byteLength;
    },
    { runs: RUNS, warmup: 2 },
  );
  return { ...m, bytes };
}

export async function benchFleetAudit(): Promise<void> {
  console.log(
    `\nFleet audit over ${HOSTS} stored hosts (${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB)`,
  );
  const web = join(import.meta.dirname, "../../apps/web");
  if (needsWebBuild(web)) throw new Error("the web app's production build is missing or older than its sources: run `pnpm build` first");
  const dir = await mkdtemp(join(tmpdir(), "vfleet-bench-fleet-audit-"));
  const database = await startDatabase({ dataDir: join(dir, "pg") });
  const db = createDb(database.url);
  let plane: PlaneProcess | null = null;
  try {
    await applyMigrations(database.url);
    const ids = await storeTemplates(db);
    const t0 = performance.now();
    await cloneHosts(db, ids, 0, HOSTS - ids.length);
    const templateList = ids.map((id) => `'${id}'`).join(", ");
    // Each copy gets its own VF MACs (the copies would otherwise share every MAC), then two hosts share one:
    // the cross-host check is read, and fails, as it would in a real fleet with one mistake.
    await db.$executeRawUnsafe(
      `UPDATE "VirtualFunction" SET mac = '02:' || regexp_replace(substr(md5("hostId" || "pfAddress" || index), 1, 10), '(..)(?!$)', '\\1:', 'g')
      WHERE NOT ("hostId" = ANY($1)) AND mac IS NOT NULL AND mac <> '00:00:00:00:00:00'`,
      ids,
    );
    const pair = await db.$queryRawUnsafe<{ hostId: string; pfAddress: string; index: number }[]>(
      `SELECT DISTINCT ON ("hostId") "hostId", "pfAddress", index FROM "VirtualFunction" WHERE "hasConfig" AND "hostId" NOT IN (${templateList}) ORDER BY "hostId" LIMIT 2`,
    );
    for (const p of pair)
      await db.$executeRawUnsafe(
        `UPDATE "VirtualFunction" SET mac = '02:be:0c:00:00:01' WHERE "hostId" = $1 AND "pfAddress" = $2 AND index = $3`,
        p.hostId,
        p.pfAddress,
        p.index,
      );
    // Offline, so the control plane's sweeper has nothing to write while it is measured.
    await db.$executeRawUnsafe(`UPDATE "Host" SET online = false`);
    await db.$executeRawUnsafe(`ANALYZE`);
    row(
      `fleet of ${HOSTS} hosts stored`,
      fmt(performance.now() - t0),
      `${await db.virtualFunction.count()} VF rows, ${await db.hostHealth.count()} stored verdicts`,
    );

    const fast = await readFleetHealth(db);
    const tp = performance.now();
    const peer = await auditEveryInventory(db);
    const peerMs = performance.now() - tp;
    // Statuses compared as sorted entries: PostgreSQL's jsonb keeps its own key order.
    const norm = (checks: Record<string, string>) => JSON.stringify(Object.entries(checks).sort(([a], [b]) => a.localeCompare(b)));
    const differing = fast.fleet.hosts.filter(
      (h, i) => h.name !== peer.hosts[i]?.name || norm(h.checks) !== norm(checkStatuses(peer.hosts[i]!.report)),
    ).length;
    const same =
      differing === 0 && fast.fleet.hosts.length === peer.hosts.length && JSON.stringify(fast.fleet.checks) === JSON.stringify(peer.checks);
    const stored = await measure(() => readFleetHealth(db), { runs: RUNS, warmup: 2 });
    row("in-process: from stored verdicts (readFleetHealth)", fmt(stored.median), `p99 ${fmt(stored.p99)} (${RUNS} runs)`);
    row(
      "in-process peer: read and audit every inventory",
      fmt(peerMs),
      `1 run; ${(peerMs / stored.median).toFixed(0)}x; same statuses, ranking and rows: ${same ? "yes" : `NO (${differing} hosts differ)`}; ${fast.fleet.checks.length} checks fail or warn somewhere`,
    );

    plane = await startPlaneProcess(database.url, randomBytes(32).toString("base64url"), { logFile: join(dir, "plane.log") });
    const { viewer } = await createRoleTokens(db);
    const api = await timeGet(`${plane.url}/api/v1/audit/fleet`, viewer);
    const page = await timeGet(`${plane.url}/audit`, viewer);
    row("GET /api/v1/audit/fleet (JSON)", fmt(api.median), `p99 ${fmt(api.p99)} (${RUNS} runs); ${(api.bytes / 2 ** 20).toFixed(1)} MiB`);
    row(
      "GET /audit (the matrix page, HTML)",
      fmt(page.median),
      `p99 ${fmt(page.p99)} (${RUNS} runs); ${(page.bytes / 2 ** 20).toFixed(1)} MiB`,
    );
    row(
      "ratio peer (every inventory, in-process) / JSON route",
      `${(peerMs / api.median).toFixed(0)}x`,
      `page: ${(peerMs / page.median).toFixed(0)}x`,
    );
  } finally {
    await plane?.stop();
    await db.$disconnect();
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
