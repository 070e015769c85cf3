import { afterAll, beforeAll, expect, it } from "vitest";
import { cancelJob, type Db, type PoolView } from "@vfleet/db";
import { placeAndReserve, type PlaceOutcome } from "../lib/placement/place-and-reserve.ts";
import { expectEachVfHeldOnce, RACE_PF, startRaceFleet, type RaceFleet } from "./one-pf-race-fleet.ts";
import { schedulerQueries } from "./scheduler-queries.ts";

/**
 * Reservations under contention, as several control-plane processes would make them: eight
 * Prisma clients (each its own connection pool) run the scheduler's real path
 * (placeAndReserve: read, place, create plan + reservations in one transaction). 50 one-VF
 * requests for 50 new guests race for the 8 free VFs of one PF, with random delays, 200 times.
 * Each round must give exactly 8 plans and 42 "no capacity" answers, and the history must show
 * each VF reserved once per round. Rounds are undone by cancelling the plans (which gives the
 * reservations back, as a cancelled plan must).
 */
const ROUNDS = Number(process.env.RACE_ROUNDS ?? 200);
const REQUESTS = 50;
const PROCESSES = 8;

let fleet: RaceFleet;
let clients: Db[] = [];
let pool: PoolView;
const queries = schedulerQueries;

beforeAll(async () => {
  fleet = await startRaceFleet(PROCESSES);
  ({ clients, pool } = fleet);
}, 120_000);

afterAll(() => fleet?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it(`${REQUESTS} one-VF requests onto 8 free VFs, ${ROUNDS} rounds: always 8 plans, ${REQUESTS - 8} clear "no capacity", no VF reserved twice`, async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const outcomes: PlaceOutcome[] = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        await sleep(Math.random() * 4);
        const request = {
          pool,
          count: 1,
          numa: "none" as const,
          guest: { name: `r${round}-g${i}`, host: "dgx2-01", vcpus: 2, memoryMiB: 2048 },
        };
        return placeAndReserve(clients[i % PROCESSES]!, queries, { request, pool, dryRun: false, actor: `op${i}` });
      }),
    );
    const planned = outcomes.filter((o): o is Extract<PlaceOutcome, { kind: "planned" }> => o.kind === "planned");
    const refused = outcomes.filter((o) => o.kind === "no-capacity");
    expect([round, planned.length, refused.length]).toEqual([round, 8, REQUESTS - 8]);
    for (const r of refused)
      expect((r as Extract<PlaceOutcome, { kind: "no-capacity" }>).error).toMatch(
        /^no host has 1 ready, bindable or creatable VFs; dgx2-01 has 0 /,
      );
    const planIds = planned.map((p) => p.plan!.id);
    const reservedEvents = await clients[0]!.assignmentEvent.findMany({ where: { planId: { in: planIds }, action: "reserved" } });
    expect(reservedEvents).toHaveLength(8);
    expect(new Set(reservedEvents.map((e) => e.address)).size).toBe(8);
    // Undo the round: a cancelled plan gives its reservation back.
    for (const p of planned) {
      const cancelled = await cancelJob(clients[0]!, { jobId: p.queued[0]!.id, actor: "test" });
      expect(cancelled.ok).toBe(true);
    }
    expect(await clients[0]!.assignment.count()).toBe(0);
  }
  // The whole history: per VF, reserved and given back strictly in turn, never reserved while held.
  const held = await expectEachVfHeldOnce(clients[0]!);
  expect(held.size).toBe(8);
  expect([...held.values()].every((n) => n === 0)).toBe(true);
  expect(await clients[0]!.assignmentEvent.count()).toBe(ROUNDS * 8 * 2);
}, 1_800_000);
