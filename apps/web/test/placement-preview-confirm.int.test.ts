import { afterAll, beforeAll, expect, it } from "vitest";
import { cancelJob, type Db, type PoolView } from "@vfleet/db";
import type { ControlPlaneContext } from "../lib/control-plane-context.ts";
import { confirmPlacement, placeAndReserve, type ConfirmOutcome, type PlaceOutcome } from "../lib/placement/place-and-reserve.ts";
import { respondToConfirm } from "../lib/placement/placement-response.ts";
import { expectEachVfHeldOnce, RACE_PF, startRaceFleet, type RaceFleet } from "./one-pf-race-fleet.ts";
import { schedulerQueries } from "./scheduler-queries.ts";

/**
 * Preview = run, under contention as several control-plane processes make it: 12 operators on
 * 8 Prisma clients each preview a one-VF placement (dry run) for a new guest on the same PF with
 * 8 free VFs, then confirm it, all at once, 200 rounds. A confirm either queues exactly the
 * previewed host and VF, or answers "changed" naming what moved with a new preview; never a
 * substitution, and no VF is reserved twice.
 */
const ROUNDS = Number(process.env.RACE_ROUNDS ?? 200);
const OPERATORS = 12;
const PROCESSES = 8;

let fleet: RaceFleet;
let clients: Db[] = [];
let pool: PoolView;

beforeAll(async () => {
  fleet = await startRaceFleet(PROCESSES);
  ({ clients, pool } = fleet);
}, 120_000);

afterAll(() => fleet?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Planned = Extract<PlaceOutcome, { kind: "planned" }>;
const request = (round: number, i: number) => ({
  pool,
  count: 1,
  numa: "none" as const,
  guest: { name: `r${round}-g${i}`, host: "dgx2-01", vcpus: 2, memoryMiB: 2048 },
});
const shape = (p: Planned) => ({
  host: p.placement.host,
  vfs: p.placement.vfs.map((v) => [v.address, v.assignMac]),
  guest: p.placement.guest.name,
});

it(`${OPERATORS} operators preview then confirm one VF each onto 8 free VFs, ${ROUNDS} rounds: a confirm runs exactly its preview or says what changed`, async () => {
  let changed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const results = await Promise.all(
      Array.from({ length: OPERATORS }, async (_, i) => {
        const db = clients[i % PROCESSES]!;
        const preview = await placeAndReserve(db, schedulerQueries, { request: request(round, i), pool, dryRun: true, actor: `op${i}` });
        if (preview.kind !== "planned") throw new Error(`round ${round} op${i}: ${JSON.stringify(preview)}`);
        expect(preview.previewId).toMatch(/^[0-9a-f-]{36}$/);
        await sleep(Math.random() * 4);
        const confirmed: ConfirmOutcome = await confirmPlacement(db, schedulerQueries, { id: preview.previewId!, actor: `op${i}` });
        return { preview, confirmed };
      }),
    );
    const planned: Planned[] = [];
    for (const { preview, confirmed } of results) {
      if (confirmed.kind === "planned") {
        // Exactly the previewed host, VF and guest: never a substitution.
        expect(shape(confirmed)).toEqual(shape(preview));
        planned.push(confirmed);
      } else {
        expect(confirmed.kind).toBe("changed");
        if (confirmed.kind !== "changed") continue;
        changed++;
        expect(confirmed.changes.join("; ")).toContain(preview.placement.vfs[0]!.address);
        // The new preview is itself confirmable, or an honest "no capacity" once the 8 are gone.
        expect(["planned", "no-capacity"]).toContain(confirmed.preview.kind);
        if (confirmed.preview.kind === "planned") expect(confirmed.preview.previewId).not.toBe(preview.previewId);
      }
    }
    // Distinct previews on distinct VFs all run: at least one per distinct previewed VF.
    const previewed = new Set(results.map((r) => r.preview.placement.vfs[0]!.address));
    expect(planned.length).toBe(previewed.size);
    const reserved = await clients[0]!.assignment.findMany({ where: { planId: { in: planned.map((p) => p.plan!.id) } } });
    expect(reserved.map((a) => a.address).sort()).toEqual([...previewed].sort());
    for (const p of planned) expect((await cancelJob(clients[0]!, { jobId: p.queued[0]!.id, actor: "test" })).ok).toBe(true);
    expect(await clients[0]!.assignment.count()).toBe(0);
  }
  // 12 operators, 8 VFs: at least 4 confirms a round found their VF taken.
  expect(changed).toBeGreaterThanOrEqual(ROUNDS * (OPERATORS - 8));
  // The whole history: per VF, reserved and given back strictly in turn, never reserved while held.
  expect([...(await expectEachVfHeldOnce(clients[0]!)).values()].every((n) => n === 0)).toBe(true);
}, 1_800_000);

it("the API's confirm: 201 with the previewed VF, 404 when spent, 409 with what changed and a new confirmable preview", async () => {
  const db = clients[0]!;
  const ctx = { db, queries: schedulerQueries, jobs: { kick() {} }, events: { emit() {} } } as unknown as ControlPlaneContext;
  const a = await placeAndReserve(db, schedulerQueries, { request: request(9999, 1), pool, dryRun: true, actor: "a" });
  const b = await placeAndReserve(db, schedulerQueries, { request: request(9999, 2), pool, dryRun: true, actor: "b" });
  if (a.kind !== "planned" || b.kind !== "planned") throw new Error("previews failed");
  const first = await respondToConfirm(ctx, a.previewId!, "a");
  expect(first.status).toBe(201);
  const body = (await first.json()) as { placement: { vfs: { address: string; pf: string; pfNetdev: string; link: string }[] } };
  expect(body.placement.vfs.map((v) => v.address)).toEqual([a.placement.vfs[0]!.address]);
  expect(body.placement.vfs[0]).toMatchObject({ pf: RACE_PF, pfNetdev: "enp53s0f0", link: "up" });
  expect((await respondToConfirm(ctx, a.previewId!, "a")).status).toBe(404);
  // Make b's preview stale: a third operator previews until its random offset lands on b's VF, and confirms first.
  // (When b's random offset chose a's VF, a's confirm made it stale already: nothing to take.)
  const taken = b.placement.vfs[0]!.address;
  if (taken !== a.placement.vfs[0]!.address) {
    let c: PlaceOutcome | undefined;
    for (let tries = 0; tries < 200 && !(c?.kind === "planned" && c.placement.vfs[0]!.address === taken); tries++)
      c = await placeAndReserve(db, schedulerQueries, { request: request(9999, 3), pool, dryRun: true, actor: "c" });
    if (c?.kind !== "planned" || c.placement.vfs[0]!.address !== taken) throw new Error("no preview of c landed on b's VF");
    expect((await confirmPlacement(db, schedulerQueries, { id: c.previewId!, actor: "c" })).kind).toBe("planned");
  }
  const stale = await respondToConfirm(ctx, b.previewId!, "b");
  expect(stale.status).toBe(409);
  const conflict = (await stale.json()) as { error: string; changes: string[]; placement: { id: string; vfs: { address: string }[] } };
  expect(conflict.changes.join(" ")).toContain(taken);
  expect(conflict.placement.id).not.toBe(b.previewId);
  expect(conflict.placement.vfs[0]!.address).not.toBe(taken);
  expect((await respondToConfirm(ctx, conflict.placement.id, "b")).status).toBe(201);
});
