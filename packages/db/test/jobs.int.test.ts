import { describe, expect, it } from "vitest";
import type { Job, JobResult } from "@vfleet/protocol";
import {
  cancelJob,
  claimNextJob,
  createJobs,
  getJob,
  getPlan,
  listAuditEvents,
  markJobsUnknown,
  recordJobProgress,
  recordJobResult,
  type NewJob,
} from "../src/index.ts";
import { useMigratedDatabase } from "./pg-server.ts";

const ctx = useMigratedDatabase();
let n = 0;
async function host(): Promise<string> {
  const h = await ctx.db.host.create({ data: { name: `jobs-${++n}`, hostname: `jobs-${n}` } });
  return h.id;
}
const setCount = (pf: string, count: number, ref = `set ${pf}`, dependsOn: string[] = []): NewJob => {
  const job: Job = { kind: "vf.set-count", params: { pf, count } };
  return { ref, job, summary: `vf.set-count ${pf} -> ${count}`, dependsOn, resourceKeys: [`dev:${pf}`], before: { numVfs: 0 } };
};
const ok: JobResult = { status: "succeeded", changed: true, steps: [], error: null, observed: { numVfs: 8 } };
const failed: JobResult = {
  status: "failed",
  changed: false,
  steps: [],
  error: { code: "EBUSY", message: "write error: Device or resource busy", explanation: "The PF already has 8 VFs." },
  observed: {},
};

describe("jobs in PostgreSQL", () => {
  it("two operators on the same PF at once: exactly one wins; the loser learns which job holds it", async () => {
    const hostId = await host();
    const outcomes = await Promise.all(
      ["alice", "bob", "carol"].map((createdBy) => createJobs(ctx.db, { hostId, createdBy, jobs: [setCount("0000:86:00.0", 8)] })),
    );
    const winners = outcomes.filter((o) => o.ok);
    expect(winners).toHaveLength(1);
    const winnerJob = (winners[0] as Extract<(typeof winners)[0], { ok: true }>).jobs[0]!;
    for (const o of outcomes.filter((x) => !x.ok))
      expect(o).toMatchObject({ ok: false, conflict: { key: "dev:0000:86:00.0", jobId: winnerJob.id } });
    expect(await ctx.db.job.count({ where: { hostId } })).toBe(1);
    // Once the winner is terminal the PF is free again.
    const claimed = await claimNextJob(ctx.db, hostId, 60_000);
    await recordJobResult(ctx.db, { hostId, jobId: claimed!.id, attempt: 1, result: ok });
    expect((await createJobs(ctx.db, { hostId, createdBy: "bob", jobs: [setCount("0000:86:00.0", 4)] })).ok).toBe(true);
  });

  it("claims one job per host at a time, with attempts, and deduplicates results", async () => {
    const hostId = await host();
    await createJobs(ctx.db, { hostId, createdBy: "a", jobs: [setCount("0000:86:00.0", 8)] });
    await createJobs(ctx.db, { hostId, createdBy: "a", jobs: [setCount("0000:86:00.1", 8)] });
    const [first, second] = await Promise.all([claimNextJob(ctx.db, hostId, 60_000), claimNextJob(ctx.db, hostId, 60_000)]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    const job = (first ?? second)!;
    expect(job).toMatchObject({ state: "dispatched", attempt: 1 });
    expect(await claimNextJob(ctx.db, hostId, 60_000)).toBeNull();

    expect(
      await recordJobProgress(ctx.db, {
        hostId,
        jobId: job.id,
        attempt: 1,
        step: { action: "read sriov_numvfs", status: "done", detail: null },
      }),
    ).toBe(true);
    expect(
      await recordJobProgress(ctx.db, { hostId, jobId: job.id, attempt: 2, step: { action: "stale", status: "done", detail: null } }),
    ).toBe(false);
    expect((await getJob(ctx.db, job.id))!.state).toBe("running");
    expect(await recordJobResult(ctx.db, { hostId, jobId: job.id, attempt: 2, result: failed })).toEqual({
      applied: false,
      reason: "stale-attempt",
    });
    expect((await recordJobResult(ctx.db, { hostId, jobId: job.id, attempt: 1, result: ok })).applied).toBe(true);
    expect(await recordJobResult(ctx.db, { hostId, jobId: job.id, attempt: 1, result: failed })).toEqual({
      applied: false,
      reason: "already-terminal",
    });
    expect((await getJob(ctx.db, job.id))!).toMatchObject({ state: "succeeded", result: ok });
    const events = await listAuditEvents(ctx.db, { hostId });
    expect(
      events
        .filter((e) => e.jobId === job.id)
        .map((e) => e.action)
        .sort(),
    ).toEqual(["job.created", "job.succeeded"]);
    expect((await claimNextJob(ctx.db, hostId, 60_000))!.id).not.toBe(job.id);
  });

  it("an agent gone mid-job leaves it unknown; the next claim redelivers it with attempt 2 before queued jobs", async () => {
    const hostId = await host();
    await createJobs(ctx.db, { hostId, createdBy: "a", jobs: [setCount("0000:86:00.0", 8)] });
    const job = (await claimNextJob(ctx.db, hostId, 60_000))!;
    await createJobs(ctx.db, { hostId, createdBy: "a", jobs: [setCount("0000:86:00.1", 8)] });
    expect(await markJobsUnknown(ctx.db, { hostId, reason: "agent disconnected" })).toEqual([{ id: job.id, hostId }]);
    expect((await getJob(ctx.db, job.id))!.state).toBe("unknown");
    const again = (await claimNextJob(ctx.db, hostId, 60_000))!;
    expect(again).toMatchObject({ id: job.id, attempt: 2, state: "dispatched" });
  });

  it("a job whose lease ran out is redelivered", async () => {
    const hostId = await host();
    await createJobs(ctx.db, { hostId, createdBy: "a", jobs: [setCount("0000:86:00.0", 8)] });
    const job = (await claimNextJob(ctx.db, hostId, 50))!;
    await new Promise((r) => setTimeout(r, 120));
    expect(await claimNextJob(ctx.db, hostId, 60_000)).toMatchObject({ id: job.id, attempt: 2 });
  });

  it("a plan runs in dependency order and stops at the first failure, cancelling the rest with the reason", async () => {
    const hostId = await host();
    const created = await createJobs(ctx.db, {
      hostId,
      createdBy: "ops",
      plan: { title: "two PFs" },
      jobs: [setCount("0000:86:00.0", 8, "a"), setCount("0000:86:00.1", 8, "b", ["a"]), setCount("0000:86:00.2", 8, "c", ["b"])],
    });
    if (!created.ok) throw new Error("conflict");
    const first = (await claimNextJob(ctx.db, hostId, 60_000))!;
    expect(first.id).toBe(created.jobs[0]!.id);
    await recordJobResult(ctx.db, { hostId, jobId: first.id, attempt: 1, result: ok });
    const second = (await claimNextJob(ctx.db, hostId, 60_000))!;
    expect(second.id).toBe(created.jobs[1]!.id);
    const out = await recordJobResult(ctx.db, { hostId, jobId: second.id, attempt: 1, result: failed });
    expect(out).toMatchObject({ applied: true, cancelled: [created.jobs[2]!.id] });
    const third = (await getJob(ctx.db, created.jobs[2]!.id))!;
    expect(third.state).toBe("cancelled");
    expect(third.error).toMatch(/plan stopped: job .* failed — The PF already has 8 VFs/);
    const plan = (await getPlan(ctx.db, created.planId!))!;
    expect(plan).toMatchObject({ counts: { succeeded: 1, failed: 1, cancelled: 1 }, finishedAt: expect.any(String) });
    expect(await ctx.db.jobResource.count({ where: { hostId } })).toBe(0);
    expect(await claimNextJob(ctx.db, hostId, 60_000)).toBeNull();
  });

  it("cancels a queued job, refuses to cancel one already sent", async () => {
    const hostId = await host();
    await createJobs(ctx.db, { hostId, createdBy: "a", jobs: [setCount("0000:86:00.0", 8)] });
    const sent = (await claimNextJob(ctx.db, hostId, 60_000))!;
    const q = await createJobs(ctx.db, { hostId, createdBy: "a", jobs: [setCount("0000:86:00.1", 8)] });
    expect(await cancelJob(ctx.db, { jobId: sent.id, actor: "bob" })).toEqual({ ok: false, reason: "not-queued", state: "dispatched" });
    const c = await cancelJob(ctx.db, { jobId: (q as { jobs: { id: string }[] }).jobs[0]!.id, actor: "bob" });
    expect(c).toMatchObject({ ok: true, job: { state: "cancelled", error: "cancelled by bob" } });
  });
});
