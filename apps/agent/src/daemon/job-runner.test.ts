import { describe, expect, it } from "vitest";
import type { Job, JobResult } from "@vfleet/protocol";
import { JobRunner } from "./job-runner.ts";

const job: Job = { kind: "vf.set-count", params: { pf: "0000:86:00.0", count: 8 } };
const ok: JobResult = { status: "succeeded", changed: true, steps: [], error: null, observed: {} };

function harness(delayMs = 20) {
  let runs = 0;
  const sent: { kind: string; jobId: string; attempt: number }[] = [];
  const runner = new JobRunner(
    async (_job, onStep) => {
      runs++;
      onStep({ action: "write", status: "done", detail: null });
      await new Promise((r) => setTimeout(r, delayMs));
      return ok;
    },
    () => {},
  );
  runner.setReplies({
    progress: (jobId, attempt) => sent.push({ kind: "progress", jobId, attempt }),
    result: (jobId, attempt) => sent.push({ kind: "result", jobId, attempt }),
  });
  return { runner, sent, runs: () => runs };
}

describe("JobRunner", () => {
  it("a job delivered twice runs once; both deliveries get the result", async () => {
    const h = harness();
    h.runner.dispatch({ jobId: "j1", attempt: 1, leaseMs: 1000, job });
    await h.runner.idle();
    h.runner.dispatch({ jobId: "j1", attempt: 1, leaseMs: 1000, job });
    h.runner.dispatch({ jobId: "j1", attempt: 2, leaseMs: 1000, job });
    expect(h.runs()).toBe(1);
    expect(h.sent.filter((s) => s.kind === "result")).toEqual([
      { kind: "result", jobId: "j1", attempt: 1 },
      { kind: "result", jobId: "j1", attempt: 1 },
      { kind: "result", jobId: "j1", attempt: 2 },
    ]);
  });

  it("is busy from a job's arrival to its result (the snapshot waits for a pause in a plan)", async () => {
    const h = harness(30);
    expect(h.runner.busy()).toBe(false);
    h.runner.dispatch({ jobId: "j1", attempt: 1, leaseMs: 1000, job });
    h.runner.dispatch({ jobId: "j2", attempt: 1, leaseMs: 1000, job });
    expect(h.runner.busy()).toBe(true);
    await h.runner.idle();
    expect([h.runner.busy(), h.sent.filter((s) => s.kind === "result").length]).toEqual([false, 2]);
  });

  it("a redelivery while the job runs joins it: one run, the result answers the newest attempt", async () => {
    const h = harness(50);
    h.runner.dispatch({ jobId: "j1", attempt: 1, leaseMs: 1000, job });
    h.runner.dispatch({ jobId: "j1", attempt: 2, leaseMs: 1000, job });
    await h.runner.idle();
    expect(h.runs()).toBe(1);
    expect(h.sent.filter((s) => s.kind === "result")).toEqual([{ kind: "result", jobId: "j1", attempt: 2 }]);
  });

  it("runs different jobs one at a time, in order", async () => {
    const order: string[] = [];
    const runner = new JobRunner(
      async (j) => {
        order.push(`start ${j.kind === "vf.set-count" ? j.params.pf : ""}`);
        await new Promise((r) => setTimeout(r, 10));
        order.push("end");
        return ok;
      },
      () => {},
    );
    runner.dispatch({ jobId: "a", attempt: 1, leaseMs: 1000, job });
    runner.dispatch({ jobId: "b", attempt: 1, leaseMs: 1000, job: { kind: "vf.set-count", params: { pf: "0000:86:00.1", count: 1 } } });
    await runner.idle();
    expect(order).toEqual(["start 0000:86:00.0", "end", "start 0000:86:00.1", "end"]);
  });
});
