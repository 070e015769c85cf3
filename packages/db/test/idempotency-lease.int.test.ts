import { expect, it } from "vitest";
import {
  claimIdempotencyKey,
  IDEMPOTENCY_LEASE_MS,
  releaseIdempotencyKey,
  renewIdempotencyClaim,
  saveIdempotentAnswer,
} from "../src/index.ts";
import { useMigratedDatabase } from "./pg-server.ts";

/**
 * An Idempotency-Key claim lives as long as its holder renews it: a retry is "running" while the
 * lease holds, takes the key over once it lapses (the holder died), and the old holder's late
 * writes then change nothing.
 */
const ctx = useMigratedDatabase();
const request = { method: "POST", path: "/api/v1/pools", body: '{"name":"p"}' };
const at = (t0: number, ms: number) => new Date(t0 + ms);

it("a claim nobody renews lapses after its lease and a retry takes it over; the old holder's late writes change nothing", async () => {
  const t0 = Date.now();
  const p = { actor: "token:alice", key: "lease-key-0000000001", request };
  const first = await claimIdempotencyKey(ctx.db, { ...p, now: at(t0, 0) });
  expect(first.kind).toBe("run");
  const a = (first as { claimId: string }).claimId;

  expect(await claimIdempotencyKey(ctx.db, { ...p, now: at(t0, IDEMPOTENCY_LEASE_MS - 1) })).toEqual({ kind: "running" });
  // The holder renews while its request runs: the retry is still told to wait past the first lease.
  expect(await renewIdempotencyClaim(ctx.db, { actor: p.actor, key: p.key, claimId: a, now: at(t0, IDEMPOTENCY_LEASE_MS - 1) })).toBe(true);
  expect(await claimIdempotencyKey(ctx.db, { ...p, now: at(t0, IDEMPOTENCY_LEASE_MS + 1) })).toEqual({ kind: "running" });

  // No renewal since: one lease later the key is the retry's.
  const second = await claimIdempotencyKey(ctx.db, { ...p, now: at(t0, 2 * IDEMPOTENCY_LEASE_MS) });
  expect(second.kind).toBe("run");
  const b = (second as { claimId: string }).claimId;
  expect(b).not.toBe(a);

  // The first holder wakes up: its renewal, release and answer are no longer the key's.
  expect(await renewIdempotencyClaim(ctx.db, { actor: p.actor, key: p.key, claimId: a })).toBe(false);
  await releaseIdempotencyKey(ctx.db, { actor: p.actor, key: p.key, claimId: a });
  await saveIdempotentAnswer(ctx.db, { actor: p.actor, key: p.key, claimId: a, answer: { status: 201, contentType: null, body: "a" } });
  expect(await claimIdempotencyKey(ctx.db, { ...p, now: at(t0, 2 * IDEMPOTENCY_LEASE_MS + 1) })).toEqual({ kind: "running" });

  await saveIdempotentAnswer(ctx.db, { actor: p.actor, key: p.key, claimId: b, answer: { status: 201, contentType: null, body: "b" } });
  expect(await claimIdempotencyKey(ctx.db, { ...p, now: at(t0, 2 * IDEMPOTENCY_LEASE_MS + 2) })).toEqual({
    kind: "replay",
    answer: { status: 201, contentType: null, body: "b" },
  });
});

it("a released claim is free at once for the retry", async () => {
  const p = { actor: "token:alice", key: "lease-key-0000000002", request };
  const first = (await claimIdempotencyKey(ctx.db, p)) as { kind: "run"; claimId: string };
  await releaseIdempotencyKey(ctx.db, { actor: p.actor, key: p.key, claimId: first.claimId });
  expect((await claimIdempotencyKey(ctx.db, p)).kind).toBe("run");
});
