import { expect, it } from "vitest";
import type { Snapshot } from "@vfleet/db";
import { SnapshotStoreQueue } from "./snapshot-store-queue.ts";

const snap = (hash: string) => ({ hash, scannedAt: new Date(), inventory: {} }) as unknown as Snapshot;
const tick = () => new Promise((r) => setTimeout(r, 5));

/** A store whose calls finish only when the test says so. */
function gatedStore() {
  const calls: { hostId: string; hash: string; finish: () => void }[] = [];
  let running = 0;
  let peak = 0;
  const store = (hostId: string, s: Snapshot) =>
    new Promise<{ stored: boolean }>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      calls.push({
        hostId,
        hash: s.hash,
        finish: () => {
          running--;
          resolve({ stored: true });
        },
      });
    });
  return { calls, store, peak: () => peak };
}

it("runs at most `concurrency` stores at once and the rest in arrival order", async () => {
  const g = gatedStore();
  const queue = new SnapshotStoreQueue({ concurrency: 2, store: g.store, log: () => {} });
  const outcomes = ["a", "b", "c", "d"].map((h) => queue.submit(h, snap(`${h}1`)));
  await tick();
  expect(g.calls.map((c) => c.hostId)).toEqual(["a", "b"]);
  expect(queue.waiting).toBe(2);
  for (let i = 0; i < 4; i++) {
    g.calls[i]!.finish();
    await tick();
  }
  expect(g.calls.map((c) => c.hostId)).toEqual(["a", "b", "c", "d"]);
  expect(g.peak()).toBe(2);
  expect(await Promise.all(outcomes)).toEqual(Array(4).fill({ stored: true, superseded: false }));
});

it("keeps only the newest waiting snapshot of a host; the older one is answered as superseded", async () => {
  const g = gatedStore();
  const queue = new SnapshotStoreQueue({ concurrency: 1, store: g.store, log: () => {} });
  const busy = queue.submit("x", snap("x1"));
  const older = queue.submit("h", snap("h1"));
  const newer = queue.submit("h", snap("h2"));
  expect(await older).toEqual({ stored: false, superseded: true });
  g.calls[0]!.finish();
  await busy;
  await tick();
  g.calls[1]!.finish();
  expect(await newer).toEqual({ stored: true, superseded: false });
  expect(g.calls.map((c) => c.hash)).toEqual(["x1", "h2"]);
});

it("retries a store that met a transient database error, and fails at once on bad data", async () => {
  let tries = 0;
  const queue = new SnapshotStoreQueue({
    concurrency: 1,
    retryBaseMs: 1,
    log: () => {},
    store: async (_hostId, s) => {
      if (s.hash === "bad") throw new Error("storeSnapshot: numa_node out of range");
      if (++tries < 3)
        throw Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), { code: "P2028" });
      return { stored: true };
    },
  });
  expect(await queue.submit("h", snap("ok"))).toEqual({ stored: true, superseded: false });
  expect(tries).toBe(3);
  await expect(queue.submit("h", snap("bad"))).rejects.toThrow("numa_node out of range");
});

it("derives for every host stored while the previous derive ran, in one call, and answers a store only after its derive", async () => {
  const calls: string[][] = [];
  let finishDerive: () => void = () => {};
  const queue = new SnapshotStoreQueue({
    concurrency: 4,
    log: () => {},
    store: async () => ({ stored: true }),
    derive: (stored) =>
      new Promise<void>((resolve) => {
        calls.push(stored.map((s) => `${s.hostId}:${s.snapshot.hash}`));
        finishDerive = resolve;
      }),
  });
  let firstAnswered = false;
  const first = queue.submit("a", snap("a1")).then((o) => {
    firstAnswered = true;
    return o;
  });
  await tick();
  expect(calls).toEqual([["a:a1"]]);
  // Stored while the first derive runs: they wait for one shared call (b's newest snapshot only).
  const rest = [queue.submit("b", snap("b1")), queue.submit("c", snap("c1"))];
  await tick();
  const newer = queue.submit("b", snap("b2"));
  await tick();
  expect(firstAnswered).toBe(false);
  finishDerive();
  expect(await first).toEqual({ stored: true, superseded: false });
  await tick();
  expect(calls).toEqual([["a:a1"], ["b:b2", "c:c1"]]);
  finishDerive();
  expect(await Promise.all([...rest, newer])).toEqual(Array(3).fill({ stored: true, superseded: false }));
  await queue.drained();
});

it("admits at most `admitted` snapshots at once, the rest in arrival order", async () => {
  const queue = new SnapshotStoreQueue({ concurrency: 1, admitted: 2, store: async () => ({ stored: true }), log: () => {} });
  const order: string[] = [];
  const turns = ["a", "b", "c", "d"].map((name) =>
    queue.admit().then((release) => {
      order.push(name);
      return release;
    }),
  );
  await tick();
  expect(order).toEqual(["a", "b"]);
  const releaseA = await turns[0]!;
  releaseA();
  releaseA(); // twice is once
  await tick();
  expect(order).toEqual(["a", "b", "c"]);
  (await turns[1]!)();
  await tick();
  expect(order).toEqual(["a", "b", "c", "d"]);
});
