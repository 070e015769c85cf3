import { expect, it } from "vitest";
import { claimHostSession, registerProcess, releaseHostSession } from "../src/index.ts";
import { useMigratedDatabase } from "./pg-server.ts";

/**
 * Which control-plane process holds a host's agent session, decided in the database: a copied
 * credential reaching two processes behind a balancer must not get two live sessions.
 */
const ctx = useMigratedDatabase();
let n = 0;
const host = async () => (await ctx.db.host.create({ data: { name: `sess-${++n}`, hostname: `sess-${n}` } })).id;
const processes = async (count: number) => {
  const ids = Array.from({ length: count }, (_, i) => `proc-${n}-${i}`);
  for (const id of ids) await registerProcess(ctx.db, id);
  return ids;
};
const rules = { silentAfterMs: 1_000, processDeadAfterMs: 30_000 };

it("of many processes claiming one host at once, exactly one gets it and the others are told which holds it", async () => {
  const hostId = await host();
  const ids = await processes(12);
  const claims = await Promise.all(ids.map((processId) => claimHostSession(ctx.db, { hostId, processId, ...rules })));
  const winners = ids.filter((_, i) => claims[i]!.kind === "claimed");
  expect(winners).toHaveLength(1);
  for (const c of claims) if (c.kind === "held") expect(c.processId).toBe(winners[0]);
  expect((await ctx.db.host.findUniqueOrThrow({ where: { id: hostId } })).sessionProcessId).toBe(winners[0]);
});

it("a live holder heard from lately keeps the host; a silent session, a dead process or a release lets another in", async () => {
  const hostId = await host();
  const [a, b, c] = await processes(3);
  const now = new Date();
  expect(await claimHostSession(ctx.db, { hostId, processId: a!, ...rules, now })).toEqual({ kind: "claimed" });
  expect(await claimHostSession(ctx.db, { hostId, processId: a!, ...rules, now })).toEqual({ kind: "claimed" }); // its own
  expect(await claimHostSession(ctx.db, { hostId, processId: b!, ...rules, now })).toMatchObject({ kind: "held", processId: a });

  // Nothing heard from the host for longer than the silence window: replaced, though a's process lives.
  const later = new Date(now.getTime() + rules.silentAfterMs + 1);
  expect(await claimHostSession(ctx.db, { hostId, processId: b!, ...rules, now: later })).toEqual({ kind: "claimed" });

  // b's process stops heartbeating: c gets in even while the host was just heard from.
  const afterDeath = new Date(Date.now() + rules.processDeadAfterMs + 1);
  await ctx.db.host.update({ where: { id: hostId }, data: { lastSeenAt: afterDeath } });
  await ctx.db.controlPlaneProcess.update({ where: { id: c! }, data: { heartbeatAt: afterDeath } });
  expect(await claimHostSession(ctx.db, { hostId, processId: c!, ...rules, now: afterDeath })).toEqual({ kind: "claimed" });

  // A release by a process that no longer holds the host changes nothing; the holder's frees it.
  await releaseHostSession(ctx.db, hostId, b!);
  expect((await ctx.db.host.findUniqueOrThrow({ where: { id: hostId } })).sessionProcessId).toBe(c);
  await releaseHostSession(ctx.db, hostId, c!);
  expect(await claimHostSession(ctx.db, { hostId, processId: a!, ...rules, now: afterDeath })).toEqual({ kind: "claimed" });
});
