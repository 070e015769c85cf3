import { abandonExhaustedJobs, claimNextJob, markJobsUnknown, MAX_DELIVERIES, recordJobProgress, recordJobResult, type Db } from "@vfleet/db";
import type { JobDispatch, JobProgress, JobResultMessage } from "@vfleet/protocol";
import type { FleetEvents } from "../lib/fleet-events.ts";
import type { Log } from "./logger.ts";

/** What the dispatcher needs from an agent connection. */
export interface JobChannel {
  sendJobDispatch(payload: JobDispatch["payload"]): boolean;
}

export interface JobDispatcherOptions {
  db: Db;
  events: FleetEvents;
  log: Log;
  /** An agent must report within this; past it the job is redelivered (with a new attempt). */
  leaseMs: number;
  /** Deliveries without a result before a job is abandoned instead of sent again. */
  maxDeliveries?: number;
}

/**
 * Moves jobs from PostgreSQL to agents and results back. The Job row is the truth: a job is
 * claimed (FOR UPDATE SKIP LOCKED, new attempt, lease) only for a host whose agent is connected
 * here, and one job per host is in flight. Kicked when a job is queued, an agent says hello,
 * a result arrives, and every few seconds for leases that ran out.
 */
export class JobDispatcher {
  readonly #o: JobDispatcherOptions;
  readonly #channels = new Map<string, JobChannel>();
  /** Per host, so kicks for one host do not overlap (the database would cope; this keeps logs tidy). */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #timer: NodeJS.Timeout;

  constructor(options: JobDispatcherOptions) {
    this.#o = options;
    this.#timer = setInterval(() => { for (const hostId of this.#channels.keys()) this.kick(hostId); }, Math.max(200, Math.min(5_000, Math.floor(options.leaseMs / 4))));
    this.#timer.unref();
  }

  /**
   * At start no agent can be connected to this process: whatever was dispatched or running was
   * cut off from its result. Those jobs become unknown and are redelivered when their agent returns.
   */
  async recoverAfterRestart(): Promise<void> {
    const jobs = await markJobsUnknown(this.#o.db, { reason: "the control plane restarted while the job was with the agent; the agent reports its real state when it reconnects" });
    if (jobs.length > 0) this.#o.log("warn", "jobs in flight at start marked unknown", { count: jobs.length });
  }

  /** An agent said hello: jobs sent on an earlier connection are unknown and go again, then the queue drains. */
  async connected(hostId: string, channel: JobChannel): Promise<void> {
    this.#channels.set(hostId, channel);
    await this.#serial(hostId, async () => {
      const jobs = await markJobsUnknown(this.#o.db, { hostId, reason: "the agent reconnected before reporting; redelivered" });
      for (const j of jobs) this.#o.events.emit({ type: "job-changed", hostId, jobId: j.id, state: "unknown" });
    });
    this.kick(hostId);
  }

  /** The agent's connection closed: its jobs in flight are unknown (never silently failed). */
  async disconnected(hostId: string, channel: JobChannel): Promise<void> {
    if (this.#channels.get(hostId) !== channel) return;
    this.#channels.delete(hostId);
    await this.#serial(hostId, async () => {
      const jobs = await markJobsUnknown(this.#o.db, { hostId, reason: "the agent disconnected during the job; it is redelivered when the agent returns, and the agent reports the real state" });
      for (const j of jobs) this.#o.events.emit({ type: "job-changed", hostId, jobId: j.id, state: "unknown" });
    });
  }

  /** Send the host's next job if its agent is here and nothing is in flight. */
  kick(hostId: string): void {
    if (!this.#channels.has(hostId)) return;
    void this.#serial(hostId, async () => {
      const channel = this.#channels.get(hostId);
      if (!channel) return;
      const gaveUp = await abandonExhaustedJobs(this.#o.db, hostId, this.#o.maxDeliveries ?? MAX_DELIVERIES);
      for (const id of gaveUp.abandoned) {
        this.#o.log("warn", "job abandoned: redelivery cap reached", { hostId, jobId: id });
        this.#o.events.emit({ type: "job-changed", hostId, jobId: id, state: "abandoned" });
      }
      for (const id of gaveUp.cancelled) this.#o.events.emit({ type: "job-changed", hostId, jobId: id, state: "cancelled" });
      const job = await claimNextJob(this.#o.db, hostId, this.#o.leaseMs);
      if (!job) return;
      const sent = channel.sendJobDispatch({ jobId: job.id, attempt: job.attempt, leaseMs: this.#o.leaseMs, job: job.job });
      this.#o.log("info", "job dispatched", { hostId, jobId: job.id, attempt: job.attempt, kind: job.kind, sent });
      this.#o.events.emit({ type: "job-changed", hostId, jobId: job.id, state: "dispatched" });
    });
  }

  async progress(hostId: string, msg: JobProgress): Promise<void> {
    const { jobId, attempt, step } = msg.payload;
    if (await recordJobProgress(this.#o.db, { hostId, jobId, attempt, step })) {
      this.#o.events.emit({ type: "job-changed", hostId, jobId, state: "running" });
    }
  }

  async result(hostId: string, msg: JobResultMessage): Promise<void> {
    const { jobId, attempt, result } = msg.payload;
    const out = await recordJobResult(this.#o.db, { hostId, jobId, attempt, result });
    if (!out.applied) {
      this.#o.log("info", "job result ignored", { hostId, jobId, attempt, reason: out.reason });
      return;
    }
    this.#o.log("info", "job finished", { hostId, jobId, attempt, status: result.status, cancelled: out.cancelled.length });
    this.#o.events.emit({ type: "job-changed", hostId, jobId, state: out.job.state });
    for (const id of out.cancelled) this.#o.events.emit({ type: "job-changed", hostId, jobId: id, state: "cancelled" });
    this.kick(hostId);
  }

  #serial(hostId: string, work: () => Promise<void>): Promise<void> {
    const next = (this.#chains.get(hostId) ?? Promise.resolve()).then(work).catch((err: unknown) => {
      this.#o.log("error", "job dispatch failed", { hostId, error: err instanceof Error ? err.message : String(err) });
    });
    this.#chains.set(hostId, next);
    return next;
  }

  /** Wait for pending database work (before the database stops). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#channels.clear();
    await Promise.all(this.#chains.values());
  }
}
