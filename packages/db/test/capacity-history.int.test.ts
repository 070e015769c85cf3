import { computeCapacity, type HostCapacityTotals } from "@vfleet/core";
import { hashContent } from "@vfleet/protocol/hash";
import { expect, it } from "vitest";
import { createEnrollmentToken, readCapacityHistory, recordCapacitySample, redeemEnrollmentToken, storeSnapshot } from "../src/index.ts";
import { buildDgx2Inventory } from "./dgx2-inventory.ts";
import { query, useMigratedDatabase } from "./pg-server.ts";

const ctx = useMigratedDatabase();

async function enroll(name: string): Promise<string> {
  const { token } = await createEnrollmentToken(ctx.db, { hostName: name });
  return (await redeemEnrollmentToken(ctx.db, { token, hostname: name }))!.hostId;
}

const totals = (created: number, assigned: number, ready = 0): HostCapacityTotals => ({
  possible: 16,
  created,
  bound: ready + assigned,
  assigned,
  free: created - assigned,
  ready,
  needsBind: created - assigned - ready,
  devices: 0,
  devicesReady: 0,
  devicesNeedsBind: 0,
  devicesAssigned: 0,
  gpus: 0,
  gpusReady: 0,
  gpusNeedsBind: 0,
  gpusAssigned: 0,
  gpuModels: {},
});
/** Minutes after 2020-01-01 00:00 UTC: before the first test's live sample, so it stays out of these reads. */
const at = (minute: number) => new Date(Date.UTC(2020, 0, 1, 0, minute));

it("a stored snapshot records the host's health and a capacity sample, and an unchanged capacity adds no sample", async () => {
  const hostId = await enroll("hist-dgx2");
  const inventory = buildDgx2Inventory({ hostname: "hist-dgx2" });
  await storeSnapshot(ctx.db, hostId, { hash: hashContent(inventory), scannedAt: new Date(), inventory });
  const samples = () =>
    query<{ created: number; ready: number; needsBind: number; assigned: number }>(
      ctx.url,
      `SELECT * FROM "CapacitySample" WHERE "hostId" = $1 ORDER BY "at"`,
      [hostId],
    );
  const expected = computeCapacity(inventory).totals;
  expect(await samples()).toMatchObject([
    { created: expected.created, ready: expected.ready, needsBind: expected.needsBind, assigned: expected.assigned },
  ]);
  const [health] = await query<{ verdict: string }>(ctx.url, `SELECT verdict FROM "HostHealth" WHERE "hostId" = $1`, [hostId]);
  expect(["pass", "warn", "fail", "unknown"]).toContain(health!.verdict);
  // A changed inventory (another kernel release) with the same capacity: stored, but no new sample.
  const again = { ...inventory, host: { ...inventory.host, kernelRelease: `${inventory.host.kernelRelease}-b` } };
  expect((await storeSnapshot(ctx.db, hostId, { hash: hashContent(again), scannedAt: new Date(), inventory: again })).stored).toBe(true);
  expect(await samples()).toHaveLength(1);
});

it("reads history downsampled: each point is the sum of every host's latest sample at that time", async () => {
  const a = await enroll("hist-a");
  const b = await enroll("hist-b");
  expect((await recordCapacitySample(ctx.db, a, totals(8, 0), at(0))).recorded).toBe(true);
  expect((await recordCapacitySample(ctx.db, a, totals(8, 0), at(5))).recorded).toBe(false);
  await recordCapacitySample(ctx.db, a, totals(8, 2, 6), at(20));
  await recordCapacitySample(ctx.db, a, totals(8, 4, 4), at(25));
  await recordCapacitySample(ctx.db, b, totals(16, 0), at(35));
  await recordCapacitySample(ctx.db, b, totals(4, 1), at(55));

  // 0:10 to 1:00 in 5 intervals of 10 minutes: the first point is the state at 0:10.
  const fleet = await readCapacityHistory(ctx.db, { from: at(10), to: at(60), buckets: 5 });
  expect(fleet.map((p) => [p.at.toISOString().slice(11, 16), p.created, p.assigned, p.ready])).toEqual([
    ["00:10", 8, 0, 0],
    ["00:20", 8, 2, 6], // a sample exactly at an interval's end counts in it
    ["00:30", 8, 4, 4], // two changes in one interval: the last one shows
    ["00:40", 24, 4, 4],
    ["00:50", 24, 4, 4],
    ["01:00", 12, 5, 4],
  ]);
  const onlyB = await readCapacityHistory(ctx.db, { hostId: b, from: at(10), to: at(60), buckets: 5 });
  expect(onlyB.map((p) => p.created)).toEqual([0, 0, 0, 16, 16, 4]);
});
