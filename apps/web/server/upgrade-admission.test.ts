import { expect, it } from "vitest";
import { UpgradeAdmission, type Admission } from "./upgrade-admission.ts";

const admitted = (a: Admission) => {
  if (!a.admitted) throw new Error(`told to wait ${a.retryAfterSec} s`);
  return a;
};
const toldSec = (a: Admission) => (a.admitted ? null : a.retryAfterSec);

it("admits up to the limit, counting other waiting work, then tells the rest when to come back", () => {
  const gate = new UpgradeAdmission({ limit: 2 });
  const first = admitted(gate.enter());
  admitted(gate.enter());
  expect(toldSec(gate.enter())).toBeGreaterThanOrEqual(1);
  first.settle();
  first.settle(); // once only
  expect(gate.working).toBe(1);
  // Snapshots waiting in the store queue fill the room as well.
  expect(toldSec(gate.enter(1))).toBeGreaterThanOrEqual(1);
  expect(gate.enter(0).admitted).toBe(true);
});

it("spreads the agents told to wait at the rate connections settle, not all to the same second", () => {
  let now = 0;
  const gate = new UpgradeAdmission({ limit: 10, now: () => now });
  // Connections that take 2 s each to settle: 10 at once means 5 a second.
  for (let round = 0; round < 200; round++) {
    const a = admitted(gate.enter());
    now += 2_000;
    a.settle();
  }
  const held = Array.from({ length: 10 }, () => admitted(gate.enter()));
  const waits = Array.from({ length: 100 }, () => toldSec(gate.enter())!);
  // 100 agents at 5 a second: the last comes back about 20 s later, the first within a second or two.
  expect(waits[0]).toBeLessThanOrEqual(2);
  expect(waits.at(-1)).toBeGreaterThanOrEqual(15);
  expect(waits.at(-1)).toBeLessThanOrEqual(25);
  expect(waits).toEqual([...waits].sort((a, b) => a - b));
  for (const a of held) a.settle();
  expect(gate.enter().admitted).toBe(true);
});

it("spreads them at the rate upgrades are answered when that is the slower bound", () => {
  let now = 0;
  const gate = new UpgradeAdmission({ limit: 64, upgradesMax: 8, now: () => now });
  // Each upgrade takes 800 ms to answer and the connection settles 200 ms later: 64 settling at
  // once would allow 64 a second, but 8 upgrades at a time allow only 10.
  for (let round = 0; round < 200; round++) {
    const a = admitted(gate.enter());
    now += 800;
    a.upgraded();
    now += 200;
    a.settle();
  }
  const held = Array.from({ length: 8 }, () => admitted(gate.enter()));
  const waits = Array.from({ length: 100 }, () => toldSec(gate.enter())!);
  // 100 agents at 10 a second: the last comes back about 10 s later (at 64 a second it was 2 s).
  expect(waits.at(-1)).toBeGreaterThanOrEqual(8);
  expect(waits.at(-1)).toBeLessThanOrEqual(12);
  for (const a of held) a.settle();
});

it("sends no agent away for more than two minutes", () => {
  const gate = new UpgradeAdmission({ limit: 1, now: () => 0 });
  admitted(gate.enter());
  const waits = Array.from({ length: 10_000 }, () => toldSec(gate.enter())!);
  expect(Math.max(...waits)).toBe(120);
});

it("answers only a few upgrades at once, however many connections are still settling", () => {
  const gate = new UpgradeAdmission({ limit: 10, upgradesMax: 2 });
  const a = admitted(gate.enter());
  admitted(gate.enter());
  expect(gate.enter().admitted).toBe(false);
  a.upgraded(); // its 101 went out; it still counts as connecting
  admitted(gate.enter());
  expect(gate.working).toBe(3);
});

it("refuses a limit that is not a positive integer, naming it", () => {
  expect(() => new UpgradeAdmission({ limit: 0 })).toThrow(/limit must be a positive integer, got 0/);
  expect(() => new UpgradeAdmission({ limit: 4, upgradesMax: 1.5 })).toThrow(/upgradesMax must be a positive integer, got 1.5/);
});
