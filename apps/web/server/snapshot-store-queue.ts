import { isTransientDbError, type Snapshot } from "@vfleet/db";
import type { Log } from "./logger.ts";

export interface StoreOutcome {
  stored: boolean;
  /** A newer snapshot of the same host arrived before this one was written: only the newer is stored. */
  superseded: boolean;
}

type StoredHost = { hostId: string; snapshot: Snapshot };

export interface SnapshotStoreQueueOptions {
  /** Stores running at once; the rest wait their turn (with their agent's socket paused). */
  concurrency: number;
  /** Write one host's rows; `stored: false` when that content was already stored. */
  store: (hostId: string, snapshot: Snapshot) => Promise<{ stored: boolean }>;
  /**
   * What follows stored rows (summaries, history), for every host stored since the previous
   * call began: one call at a time, so a burst of stores shares its statements. A store is
   * answered once its derive call finished.
   */
  derive?: (stored: StoredHost[]) => Promise<void>;
  /** Snapshots admitted (parsed, stored or waiting to be) at once; default 8 x concurrency. See admit(). */
  admitted?: number;
  log: Log;
  /** Tries of one store on a transient database error before it fails (default 6, about 8 s of waiting). */
  attempts?: number;
  retryBaseMs?: number;
}

interface Pending {
  snapshot: Snapshot;
  waiters: { resolve: (o: StoreOutcome) => void; reject: (err: unknown) => void }[];
}

type Deriving = StoredHost & { done: () => void; failed: (err: unknown) => void };

/**
 * Snapshot stores, bounded and fair. A thousand agents connecting at once each send a
 * full inventory; writing them all at once exhausts the pool, fails transactions and doubles
 * memory. Here at most `concurrency` run, the rest wait in arrival order, and a host
 * with a store waiting keeps only its newest snapshot (the older one would be overwritten at
 * once). A store that hits a transient database error is retried with backoff: a slow database
 * slows agents down instead of disconnecting them. What follows a store (`derive`) runs for all
 * hosts stored meanwhile at once, outside the store slots, so a burst costs a few statements more,
 * not a few per host.
 */
export class SnapshotStoreQueue {
  readonly #o: Required<Omit<SnapshotStoreQueueOptions, "derive">> & Pick<SnapshotStoreQueueOptions, "derive">;
  readonly #pending = new Map<string, Pending>();
  /** Hosts in arrival order; a host appears once while it has a store waiting. */
  readonly #order: string[] = [];
  #running = 0;
  #idle: (() => void)[] = [];
  /** Stored hosts waiting for the next derive call, and whether one is running. */
  #deriving: Deriving[] = [];
  #deriveRunning = false;
  #admitted = 0;
  readonly #admissions: (() => void)[] = [];

  constructor(options: SnapshotStoreQueueOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new Error(`SnapshotStoreQueue: concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.#o = { attempts: 6, retryBaseMs: 250, admitted: 8 * options.concurrency, ...options };
  }

  /**
   * Wait for a turn to hold a parsed snapshot; call the returned function when it is answered.
   * Sessions parse a snapshot frame only once admitted, so at most `admitted` parsed
   * inventories are in memory however many agents send at once; the rest wait as bytes.
   */
  admit(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.#admitted++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.#admitted--;
          this.#admissions.shift()?.();
        });
      };
      if (this.#admitted < this.#o.admitted) grant();
      else this.#admissions.push(grant);
    });
  }

  get waiting(): number {
    return this.#order.length;
  }

  get running(): number {
    return this.#running;
  }

  submit(hostId: string, snapshot: Snapshot): Promise<StoreOutcome> {
    return new Promise((resolve, reject) => {
      const pending = this.#pending.get(hostId);
      if (pending) {
        for (const w of pending.waiters) w.resolve({ stored: false, superseded: true });
        pending.waiters = [{ resolve, reject }];
        pending.snapshot = snapshot;
        return;
      }
      this.#pending.set(hostId, { snapshot, waiters: [{ resolve, reject }] });
      this.#order.push(hostId);
      this.#pump();
    });
  }

  /** Resolves once nothing is running or waiting. */
  drained(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #isIdle(): boolean {
    return this.#running === 0 && this.#order.length === 0 && !this.#deriveRunning && this.#deriving.length === 0;
  }

  #settled(): void {
    if (this.#isIdle()) for (const done of this.#idle.splice(0)) done();
  }

  #pump(): void {
    while (this.#running < this.#o.concurrency && this.#order.length > 0) {
      const hostId = this.#order.shift()!;
      const job = this.#pending.get(hostId)!;
      this.#pending.delete(hostId);
      this.#running++;
      void this.#run(hostId, job);
    }
  }

  async #run(hostId: string, job: Pending): Promise<void> {
    let stored: boolean;
    try {
      ({ stored } = await this.#retrying({ hostId }, () => this.#o.store(hostId, job.snapshot)));
    } catch (err) {
      for (const w of job.waiters) w.reject(err);
      return this.#release();
    }
    // The slot is free as soon as the rows are written; the answer waits for the derived writes.
    this.#release();
    const answer = () => {
      for (const w of job.waiters) w.resolve({ stored, superseded: false });
    };
    if (!stored || !this.#o.derive) return answer();
    this.#deriving.push({
      hostId,
      snapshot: job.snapshot,
      done: answer,
      failed: (err) => {
        for (const w of job.waiters) w.reject(err);
      },
    });
    void this.#deriveAll();
  }

  #release(): void {
    this.#running--;
    this.#pump();
    this.#settled();
  }

  /** One derive call at a time, over every host stored since the previous one began (newest snapshot per host). */
  async #deriveAll(): Promise<void> {
    if (this.#deriveRunning) return;
    this.#deriveRunning = true;
    while (this.#deriving.length > 0) {
      const batch = this.#deriving.splice(0);
      const newest = new Map(batch.map((d) => [d.hostId, { hostId: d.hostId, snapshot: d.snapshot }]));
      try {
        await this.#retrying({ hosts: newest.size }, () => this.#o.derive!([...newest.values()]));
        for (const d of batch) d.done();
      } catch (err) {
        for (const d of batch) d.failed(err);
      }
    }
    this.#deriveRunning = false;
    this.#settled();
  }

  async #retrying<T>(context: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= this.#o.attempts || !isTransientDbError(err)) throw err;
        const delayMs = Math.min(5_000, this.#o.retryBaseMs * 2 ** (attempt - 1));
        this.#o.log("warn", "snapshot store retried: database busy or unreachable", {
          ...context,
          attempt,
          delayMs,
          error: err instanceof Error ? err.message : String(err),
        });
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  }
}
