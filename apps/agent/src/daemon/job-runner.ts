import type { Job, JobDispatch, JobResult, JobStep } from "@vfleet/protocol";

/** Log lines about a job carry its id (and attempt) as fields, for structured logs. */
export type JobLog = (line: string, fields?: { jobId: string; attempt?: number }) => void;

export type ExecuteFn = (job: Job, onStep: (step: JobStep) => void) => Promise<JobResult>;

export interface JobReplies {
  progress(jobId: string, attempt: number, step: JobStep): void;
  result(jobId: string, attempt: number, result: JobResult): void;
}

/** How many finished results are kept for redeliveries (a plan of seed 000 is 171 jobs). */
const KEEP_RESULTS = 2000;

/**
 * The agent's side of at-least-once delivery. Jobs run one at a time, in arrival order. A
 * delivery of a job already finished re-sends the stored result under the new attempt (one
 * effect, however often it is delivered); a delivery of the job running now joins it and gets
 * its result. Results live in memory, across reconnects: after an agent restart a redelivered
 * job simply runs again, which the level-triggered executors make harmless.
 */
export class JobRunner {
  readonly #execute: ExecuteFn;
  readonly #log: JobLog;
  readonly #onPending: (jobIds: string[]) => void;
  readonly #finished = new Map<string, JobResult>();
  readonly #running = new Map<string, Promise<JobResult>>();
  /** The newest attempt the server sent per job: replies carry it, older ones are stale there. */
  readonly #attempt = new Map<string, number>();
  #chain: Promise<unknown> = Promise.resolve();
  #replies: JobReplies | null = null;

  /** `onPending` hears the ids of the jobs accepted and not finished, each time that set changes. */
  constructor(execute: ExecuteFn, log: JobLog, onPending: (jobIds: string[]) => void = () => {}) {
    this.#execute = execute;
    this.#log = log;
    this.#onPending = onPending;
  }

  /** Where replies go now (the current connection); null while disconnected: replies are dropped, the server redelivers. */
  setReplies(replies: JobReplies | null): void {
    this.#replies = replies;
  }

  /** Whether a job is running or waiting to (a plan's next job arrives while its last one ends). */
  busy(): boolean {
    return this.#running.size > 0;
  }

  /** Settles once every accepted job finished (for a clean stop). */
  idle(): Promise<unknown> {
    return this.#chain;
  }

  /**
   * Run `work` between jobs, never during one: a scan taken while a job rewrites sysfs reads a
   * half-changed host (a VF in an IOMMU group but not yet a device), which the server refuses.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(work);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  dispatch(d: JobDispatch["payload"]): void {
    const { jobId, attempt } = d;
    this.#attempt.set(jobId, Math.max(attempt, this.#attempt.get(jobId) ?? 0));
    const done = this.#finished.get(jobId);
    if (done) {
      this.#log(`job ${jobId} attempt ${attempt}: already finished (${done.status}); re-sending the result`, { jobId, attempt });
      this.#replies?.result(jobId, attempt, done);
      return;
    }
    const running = this.#running.get(jobId);
    if (running) {
      this.#log(`job ${jobId} attempt ${attempt}: still running; its result will answer this attempt`, { jobId, attempt });
      return;
    }
    this.#log(`job ${jobId} attempt ${attempt}: ${d.job.kind} accepted`, { jobId, attempt });
    const run = this.#chain.then(() => this.#execute(d.job, (step) => this.#replies?.progress(jobId, this.#attempt.get(jobId)!, step)));
    this.#running.set(jobId, run);
    this.#onPending([...this.#running.keys()]);
    this.#chain = run.then(
      (result) => {
        this.#running.delete(jobId);
        this.#onPending([...this.#running.keys()]);
        this.#remember(jobId, result);
        const latest = this.#attempt.get(jobId)!;
        this.#log(
          `job ${jobId} attempt ${latest}: ${result.status}${result.error ? ` (${result.error.code}: ${result.error.message})` : ""}`,
          { jobId, attempt: latest },
        );
        this.#replies?.result(jobId, latest, result);
      },
      (err: unknown) => {
        // executeJob never throws; if it ever does, forget the job so a redelivery runs it again.
        this.#running.delete(jobId);
        this.#log(`job ${jobId}: executor threw: ${err instanceof Error ? err.message : String(err)}`, { jobId });
        this.#onPending([...this.#running.keys()]);
      },
    );
  }

  #remember(jobId: string, result: JobResult): void {
    this.#finished.set(jobId, result);
    if (this.#finished.size > KEEP_RESULTS) {
      const oldest = this.#finished.keys().next().value!;
      this.#finished.delete(oldest);
      this.#attempt.delete(oldest);
    }
  }
}
