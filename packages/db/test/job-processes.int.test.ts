import { expect, it } from "vitest";
import type { Job, JobResult } from "@vfleet/protocol";
import {
  beatProcess,
  cancelJob,
  claimNextJob,
  createJobs,
  findHostsWithWork,
  listenForJobChanges,
  markOrphanedJobsUnknown,
  recordJobResult,
  registerProcess,
  unregisterProcess,
  type NewJob,
} from "../src/index.ts";
import { useMigratedDatabase } from "./pg-server.ts";

const ctx = useMigratedDatabase();
let n = 0;
const host = async () => (await ctx.db.host.create({ data: { name: `proc-${++n}`, hostname: `proc-${n}` } })).id;
const setCount = (pf: string, ref = pf, dependsOn: string[] = []): NewJob => {
  const job: Job = { kind: "vf.set-count", params: { pf, count: 4 } };
  return { ref, job, summary: `vf.set-count ${pf} -> 4`, dependsOn, resourceKeys: [`dev:${pf}`], before: null };
};
const ok: JobResult = { status: "succeeded", changed: true, steps: [], error: null, observed: {} };

it("a queued, cancelled or finished job notifies its host at commit; a finished plan job also wakes the plan's other hosts", async () => {
  const heard: string[] = [];
  const listener = await listenForJobChanges(ctx.url, { onHost: (h) => heard.push(h), onReconnect: () => {}, onError: () => {} });
  const waitFor = async (hostId: string) => {
    await expect.poll(() => heard.includes(hostId), { timeout: 5_000 }).toBe(true);
    heard.length = 0;
  };
  try {
    const [a, b] = [await host(), await host()];
    // Inside an open transaction nothing is heard; at commit it is.
    await ctx.db.$transaction(async (tx) => {
      await tx.job.create({ data: { hostId: a, kind: "vf.set-count", summary: "s", params: {}, createdBy: "t" } });
      await new Promise((r) => setTimeout(r, 300));
      expect(heard).toEqual([]);
    });
    await waitFor(a);

    const created = await createJobs(ctx.db, { hostId: b, createdBy: "t", jobs: [setCount("0000:01:00.0")] });
    if (!created.ok) throw new Error("createJobs failed");
    await waitFor(b);
    expect((await cancelJob(ctx.db, { jobId: created.jobs[0]!.id, actor: "t" })).ok).toBe(true);
    await waitFor(b);

    // A plan job's success notifies the hosts of the plan's queued jobs (their dependencies may now be met).
    const plan = await ctx.db.plan.create({ data: { hostId: a, title: "p", createdBy: "t" } });
    const first = await ctx.db.job.create({
      data: { hostId: a, kind: "vf.set-count", summary: "1", params: {}, createdBy: "t", planId: plan.id, state: "running", attempt: 1 },
    });
    await ctx.db.job.create({
      data: { hostId: b, kind: "vf.set-count", summary: "2", params: {}, createdBy: "t", planId: plan.id, dependsOn: [first.id] },
    });
    heard.length = 0;
    await ctx.db.job.update({ where: { id: first.id }, data: { state: "succeeded" } });
    await expect.poll(() => [...new Set(heard)].sort(), { timeout: 5_000 }).toEqual([a, b].sort());
  } finally {
    await listener.close();
  }
});

/** findHostsWithWork narrowed to these hosts (other tests of this file share the database). */
const hostsWithWork = async (hosts: string[]) => new Set([...(await findHostsWithWork(ctx.db))].filter((h) => hosts.includes(h)));

it("recovery marks unknown only the jobs of processes that are gone, never a live peer's", async () => {
  const [live, dead] = ["live-proc", "dead-proc"];
  await registerProcess(ctx.db, live);
  await registerProcess(ctx.db, dead);
  const [h1, h2] = [await host(), await host()];
  for (const h of [h1, h2]) {
    const c = await createJobs(ctx.db, { hostId: h, createdBy: "t", jobs: [setCount("0000:02:00.0")] });
    if (!c.ok) throw new Error("createJobs failed");
  }
  const mine = await claimNextJob(ctx.db, h1, 60_000, live);
  const theirs = await claimNextJob(ctx.db, h2, 60_000, dead);
  expect(await hostsWithWork([h1, h2])).toEqual(new Set());
  await unregisterProcess(ctx.db, dead);
  await beatProcess(ctx.db, live);
  const recovered = await markOrphanedJobsUnknown(ctx.db, { deadAfterMs: 30_000, reason: "gone" });
  expect(recovered.map((j) => j.id)).toEqual([theirs!.id]);
  expect((await ctx.db.job.findUniqueOrThrow({ where: { id: mine!.id } })).state).toBe("dispatched");
  expect(await hostsWithWork([h1, h2])).toEqual(new Set([h2]));
  // The live owner's job finishes normally.
  expect((await recordJobResult(ctx.db, { hostId: h1, jobId: mine!.id, attempt: 1, result: ok })).applied).toBe(true);
  await expect(markOrphanedJobsUnknown(ctx.db, { deadAfterMs: 0, reason: "x" })).rejects.toThrow("deadAfterMs must be a positive number");
});
