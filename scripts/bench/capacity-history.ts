/**
 * `pnpm bench capacity-history`: reading the fleet's capacity over time from stored samples, and
 * what recording them adds to a stored snapshot. Peers in the same run: the read as one query per
 * chart point (each point: every host's latest sample at that time), and the snapshot store itself.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanHost } from "@vfleet/agent/scan";
import {
  applyMigrations,
  createDb,
  createEnrollmentToken,
  readCapacityHistory,
  recordSnapshotHistory,
  redeemEnrollmentToken,
  startDatabase,
  storeSnapshot,
  SAMPLE_KEYS,
} from "@vfleet/db";
import { hashContent } from "@vfleet/protocol/hash";
import { buildTree } from "@vfleet/simulator";
import { fmt, measure, row } from "./measure.ts";

const HOSTS = 5000;
const SAMPLES_PER_HOST = 20;
const DAYS = 30;
const POINTS = 48;

export async function benchCapacityHistory(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "vfleet-bench-history-"));
  const database = await startDatabase({ dataDir: join(dir, "pg") });
  const db = createDb(database.url);
  try {
    await applyMigrations(database.url);
    console.log(`\nCapacity history: ${HOSTS} hosts x ${SAMPLES_PER_HOST} samples over ${DAYS} days, a ${POINTS}-point chart`);
    await db.$executeRawUnsafe(
      `INSERT INTO "Host" (id, name, hostname) SELECT 'h' || i, 'h' || i, 'h' || i FROM generate_series(1, ${HOSTS}) i`,
    );
    const cols = SAMPLE_KEYS.map((k) => `"${k}"`).join(", ");
    const vals = SAMPLE_KEYS.map(() => "(random() * 160)::int").join(", ");
    await db.$executeRawUnsafe(`INSERT INTO "CapacitySample" ("hostId", "at", ${cols})
      SELECT 'h' || i, now() - (random() * interval '${DAYS} days') - j * interval '1 ms', ${vals}
      FROM generate_series(1, ${HOSTS}) i, generate_series(1, ${SAMPLES_PER_HOST}) j ON CONFLICT DO NOTHING`);
    await db.$executeRawUnsafe(`ANALYZE "CapacitySample"`);
    const to = new Date();
    const from = new Date(to.getTime() - DAYS * 86_400_000);
    const fleet = await measure(() => readCapacityHistory(db, { from, to, buckets: POINTS }), { runs: 9, warmup: 2 });
    const lastDay = await measure(() => readCapacityHistory(db, { from: new Date(to.getTime() - 86_400_000), to, buckets: POINTS }), {
      runs: 9,
      warmup: 2,
    });
    const host = await measure(() => readCapacityHistory(db, { hostId: "h42", from, to, buckets: POINTS }), { runs: 21, warmup: 3 });
    const sums = SAMPLE_KEYS.map((k) => `sum("${k}")::int`).join(", ");
    const perPoint = await measure(
      async () => {
        for (let i = 0; i <= POINTS; i++) {
          const t = new Date(from.getTime() + (i * (to.getTime() - from.getTime())) / POINTS);
          await db.$queryRawUnsafe(
            `SELECT ${sums} FROM (SELECT DISTINCT ON ("hostId") * FROM "CapacitySample" WHERE "at" <= $1::timestamp ORDER BY "hostId", "at" DESC) s`,
            t.toISOString(),
          );
        }
      },
      { runs: 3, warmup: 1 },
    );
    row("fleet history, one pass (readCapacityHistory)", fmt(fleet.median));
    row("peer: one query per point (latest sample per host)", fmt(perPoint.median));
    row("ratio peer / one pass", `${(perPoint.median / fleet.median).toFixed(1)}x`);
    row("fleet, last 24 h of the 30 days (older: one lookup per host)", fmt(lastDay.median));
    row("one host's history", fmt(host.median));

    console.log("\nRecording after a stored DGX-2 snapshot (audit verdict + capacity sample)");
    const tree = join(dir, "dgx2");
    await buildTree("dgx2", tree, { vfs: 16 });
    const inventory = await scanHost(tree);
    const { token } = await createEnrollmentToken(db, { hostName: "bench-dgx2" });
    const enrolled = (await redeemEnrollmentToken(db, { token, hostname: inventory.host.hostname }))!;
    const other = structuredClone(inventory);
    other.host.kernelCmdline += " bench=1";
    const snaps = [inventory, other].map((inv) => ({ hash: hashContent(inv), scannedAt: new Date(), inventory: inv }));
    let i = 0;
    const store = await measure(() => storeSnapshot(db, enrolled.hostId, snaps[i++ % 2]!), { runs: 15 });
    const history = await measure(() => recordSnapshotHistory(db, [{ hostId: enrolled.hostId, inventory }]), { runs: 21 });
    row("storeSnapshot of a changed snapshot (includes it)", fmt(store.median));
    row("recordSnapshotHistory alone", fmt(history.median));
    row("share of the store", `${((history.median / store.median) * 100).toFixed(0)}%`);
  } finally {
    await db.$disconnect();
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
