import type { PlacementRequest } from "@vfleet/core";
import { createDb, getPool, savePool, type Db, type PoolView } from "@vfleet/db";
import { confirmPlacement, placeAndReserve } from "../../apps/web/lib/placement/place-and-reserve.ts";
import { PLACEMENTS_PER_PROCESS, setPlacementSlots } from "../../apps/web/lib/placement/placement-slots.ts";
import { schedulerQueries } from "../../apps/web/test/scheduler-queries.ts";
import { row } from "./measure.ts";

const CLIENTS = 8;
/** Placements a process ran at once before (the peer of the current limit, on the same fleet). */
const FORMER_SLOTS = 2;
const SECONDS = 10;
/** The peer: Kubernetes' scheduler with Dynamic Resource Allocation, 117-273 pods/s on 500 nodes (their figures, their machine). */
const PEER = { low: 117, high: 273, nodes: 500 };

/** `CLIENTS` callers in a loop for `SECONDS`, each call one decision; how many finished per second, and of which kind. */
async function loop(call: (client: number, i: number) => Promise<string>): Promise<{ perSecond: number; kinds: Record<string, number> }> {
  const until = performance.now() + SECONDS * 1000;
  const kinds: Record<string, number> = {};
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = 0; performance.now() < until; i++) {
        const kind = await call(client, i);
        kinds[kind] = (kinds[kind] ?? 0) + 1;
        done++;
      }
    }),
  );
  return { perSecond: done / ((performance.now() - t0) / 1000), kinds };
}

/**
 * Throughput at the fleet's largest size: `CLIENTS` concurrent callers on one control-plane
 * process (one database client), each in a loop, for `SECONDS`: dry runs (the decision and its
 * checked jobs, kept as a preview) with today's limit of placements a process runs at once and
 * with one slot per caller; then confirmed placements (a dry run, then its confirm: plan and
 * reservations committed). Afterwards no function may be reserved twice.
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
    const dry = (run: string) => (c: number, i: number) =>
      placeAndReserve(db, schedulerQueries, { request: ask(`${run}-${c}-${i}`), pool, dryRun: true, actor: "bench" }).then((o) => o.kind);
    console.log(`  throughput, ${CLIENTS} concurrent clients on one control-plane process, ${SECONDS} s each:`);
    setPlacementSlots(db, FORMER_SLOTS);
    const today = await loop(dry("d2"));
    setPlacementSlots(db, PLACEMENTS_PER_PROCESS);
    const wide = await loop(dry("d8"));
    row(
      `    dry runs/s, ${FORMER_SLOTS} at once (the former limit) / ${PLACEMENTS_PER_PROCESS} at once`,
      `${today.perSecond.toFixed(0)} / ${wide.perSecond.toFixed(0)}`,
      `${JSON.stringify(today.kinds)} / ${JSON.stringify(wide.kinds)}; target 300/s`,
    );
    const confirmed = await loop(async (c, i) => {
      const preview = await placeAndReserve(db, schedulerQueries, { request: ask(`c-${c}-${i}`), pool, dryRun: true, actor: "bench" });
      if (preview.kind !== "planned") return `preview ${preview.kind}`;
      return (await confirmPlacement(db, schedulerQueries, { id: preview.previewId!, actor: "bench" })).kind;
    });
    const planned = confirmed.kinds.planned ?? 0;
    row(
      `    confirmed placements/s (dry run + confirm: plan and reservations committed), ${PLACEMENTS_PER_PROCESS} at once`,
      `${(planned / SECONDS).toFixed(0)}`,
      `${JSON.stringify(confirmed.kinds)}; target 100/s`,
    );
    const twice = await db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM (SELECT "hostId", address FROM "Assignment" GROUP BY 1, 2 HAVING count(*) > 1) t`;
    const reserved = await db.assignment.count();
    row("    functions reserved twice after the run", String(twice[0]!.n), `${reserved} reservations held`);
    row(
      `    peer: Kubernetes scheduler with DRA, ${PEER.nodes} nodes (their figures)`,
      `${PEER.low}-${PEER.high}/s`,
      `ours at 5,000 hosts: ${wide.perSecond.toFixed(0)} dry runs/s (${(wide.perSecond / PEER.high).toFixed(1)}x-${(wide.perSecond / PEER.low).toFixed(1)}x), ${(planned / SECONDS).toFixed(0)} confirmed/s`,
    );
  } finally {
    await db.$disconnect();
  }
}
