import {
  abandonExhaustedJobs,
  beatProcess,
  claimNextJob,
  findHostsWithWork,
  listenForJobChanges,
  markJobsUnknown,
  markOrphanedJobsUnknown,
  MAX_DELIVERIES,
  takeOverHostJobs,
  recordJobProgress,
  recordJobResult,
  registerProcess,
  unregisterProcess,
  type Db,
  type JobListener,
} from "@vfleet/db";
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
  /** This process's id (ControlPlaneProcess): stamped on the jobs it dispatches. */
  processId: string;
  /** Where to LISTEN for job changes; null: only the safety poll finds them (a Db made outside createDb). */
  databaseUrl: string | null;
  /**
   * The safety poll: heartbeat this process, recover jobs of dead processes, and look for work
   * a lost notification or a lease running out left behind. One query per process, not per host.
   */
  safetyPollMs?: number;
  /** A process whose heartbeat is older than this is dead; its jobs in flight become unknown. */
  processDeadAfterMs?: number;
}

/** Poll every 5 s (one statement per process); a process silent for 30 s (six beats) is dead. */
const SAFETY_POLL_MS = 5_000;
export const PROCESS_DEAD_AFTER_MS = 30_000;

/**
 * Moves jobs from PostgreSQL to agents and results back. The Job row is the truth: a job is
 * claimed (FOR UPDATE SKIP LOCKED, new attempt, lease) only for a host whose agent is connected
 * here, and one job per host is in flight. Pushed, not polled: the Job table's trigger NOTIFYs
 * `vfleet_jobs` with the host id when a job is queued, cancelled or finishes, in the committing
 * transaction, so a job queued through any process reaches the process holding the agent's
 * socket. Also kicked at hello and after a result, and by a slow safety poll (leases that ran
 * out, notifications lost while the LISTEN connection was down).
 */
export class JobDispatcher {
  readonly #o: JobDispatcherOptions;
  readonly #channels = new Map<string, JobChannel>();
  /** Per host, so kicks for one host do not overlap (the database would cope; this keeps logs tidy). */
  readonly #chains = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #listener: JobListener | null = null;
  #polling: Promise<void> = Promise.resolve();

  constructor(options: JobDispatcherOptions) {
    this.#o = options;
  }

  /**
   * Join the fleet of processes and recover: jobs dispatched by a process that is gone (this
   * one's previous run, or a peer killed meanwhile) were cut off from their result and become
   * unknown, redelivered when their agent returns. Jobs of live peers are left alone.
   */
  async start(): Promise<void> {
    const { db, processId, log } = this.#o;
    await registerProcess(db, processId);
    await this.#recoverOrphans();
    if (this.#o.databaseUrl) {
      this.#listener = await listenForJobChanges(this.#o.databaseUrl, {
        onHost: (hostId) => this.kick(hostId),
        onReconnect: () => {
          log("info", "job notifications back: polling once for what was missed");
          this.#poll();
        },
        onError: (message) => log("warn", "job notification connection lost; reconnecting", { error: message }),
      });
    }
    const pollMs = this.#o.safetyPollMs ?? Math.max(200, Math.min(SAFETY_POLL_MS, Math.floor(this.#o.leaseMs / 4)));
    this.#timer = setInterval(() => this.#poll(), pollMs);
    this.#timer.unref();
  }

  async #recoverOrphans(): Promise<void> {
    const jobs = await markOrphanedJobsUnknown(this.#o.db, {
      deadAfterMs: this.#o.processDeadAfterMs ?? PROCESS_DEAD_AFTER_MS,
      reason: "the control plane process that dispatched the job stopped; the agent reports its real state when it reconnects",
    });
    if (jobs.length === 0) return;
    this.#o.log("warn", "jobs of a stopped control plane process marked unknown", { count: jobs.length });
    for (const j of jobs) this.#o.events.emit({ type: "job-changed", hostId: j.hostId, jobId: j.id, state: "unknown" });
  }

  #poll(): void {
    this.#polling = this.#polling.then(async () => {
      try {
        await beatProcess(this.#o.db, this.#o.processId);
        await this.#recoverOrphans();
        if (this.#channels.size === 0) return;
        for (const hostId of await findHostsWithWork(this.#o.db)) this.kick(hostId);
      } catch (err) {
        this.#o.log("error", "job safety poll failed", { error: err instanceof Error ? err.message : String(err) });
      }
    });
  }

  /** An agent said hello: jobs sent on an earlier connection are unknown and go again, then the queue drains. */
  async connected(hostId: string, channel: JobChannel): Promise<void> {
    this.#channels.set(hostId, channel);
    let work = false;
    await this.#serial(hostId, async () => {
      // One statement; most agents have nothing queued, and then no claim transaction runs.
      const taken = await takeOverHostJobs(this.#o.db, hostId, "the agent reconnected before reporting; redelivered");
      for (const id of taken.lost) this.#o.events.emit({ type: "job-changed", hostId, jobId: id, state: "unknown" });
      work = taken.work;
    });
    if (work) this.kick(hostId);
  }

  /** The agent's connection closed: its jobs in flight are unknown (never silently failed). */
  async disconnected(hostId: string, channel: JobChannel): Promise<void> {
    if (this.#channels.get(hostId) !== channel) return;
    this.#channels.delete(hostId);
    await this.#serial(hostId, async () => {
      const jobs = await markJobsUnknown(this.#o.db, {
        hostId,
        reason: "the agent disconnected during the job; it is redelivered when the agent returns, and the agent reports the real state",
      });
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
      const job = await claimNextJob(this.#o.db, hostId, this.#o.leaseMs, this.#o.processId);
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
    await this.#listener?.close();
    this.#channels.clear();
    await this.#polling;
    await Promise.all(this.#chains.values());
    // Gone cleanly: peers may recover this process's jobs at once instead of after the timeout.
    await unregisterProcess(this.#o.db, this.#o.processId).catch((err: unknown) => {
      this.#o.log("warn", "could not unregister the control plane process", { error: err instanceof Error ? err.message : String(err) });
    });
  }
}
