import { isTransientDbError, type Snapshot } from "@vfleet/db";
import type { Log } from "./logger.ts";

export interface StoreOutcome {
  stored: boolean;
  /** A newer snapshot of the same host arrived before this one was written: only the newer is stored. */
  superseded: boolean;
}

export interface SnapshotStoreQueueOptions {
  /** Stores running at once; the rest wait their turn (with their agent's socket paused). */
  concurrency: number;
  store: (hostId: string, snapshot: Snapshot) => Promise<{ stored: boolean }>;
  log: Log;
  /** Tries of one store on a transient database error before it fails (default 6, about 8 s of waiting). */
  attempts?: number;
  retryBaseMs?: number;
}

interface Pending {
  snapshot: Snapshot;
  waiters: { resolve: (o: StoreOutcome) => void; reject: (err: unknown) => void }[];
}

/**
 * Snapshot stores, bounded and fair. A thousand agents connecting at once each send a
 * full inventory; writing them all at once exhausts the pool, fails transactions and doubles
 * memory (issue 11). Here at most `concurrency` run, the rest wait in arrival order, and a host
 * with a store waiting keeps only its newest snapshot (the older one would be overwritten at
 * once). A store that hits a transient database error is retried with backoff: a slow database
 * slows agents down instead of disconnecting them.
 */
export class SnapshotStoreQueue {
  readonly #o: Required<SnapshotStoreQueueOptions>;
  readonly #pending = new Map<string, Pending>();
  /** Hosts in arrival order; a host appears once while it has a store waiting. */
  readonly #order: string[] = [];
  #running = 0;
  #idle: (() => void)[] = [];

  constructor(options: SnapshotStoreQueueOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new Error(`SnapshotStoreQueue: concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.#o = { attempts: 6, retryBaseMs: 250, ...options };
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
    if (this.#running === 0 && this.#order.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#running < this.#o.concurrency && this.#order.length > 0) {
      const hostId = this.#order.shift()!;
      const job = this.#pending.get(hostId)!;
      this.#pending.delete(hostId);
      this.#running++;
      void this.#run(hostId, job).finally(() => {
        this.#running--;
        this.#pump();
        if (this.#running === 0 && this.#order.length === 0) for (const done of this.#idle.splice(0)) done();
      });
    }
  }

  async #run(hostId: string, job: Pending): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { stored } = await this.#o.store(hostId, job.snapshot);
        for (const w of job.waiters) w.resolve({ stored, superseded: false });
        return;
      } catch (err) {
        if (attempt >= this.#o.attempts || !isTransientDbError(err)) {
          for (const w of job.waiters) w.reject(err);
          return;
        }
        const delayMs = Math.min(5_000, this.#o.retryBaseMs * 2 ** (attempt - 1));
        this.#o.log("warn", "snapshot store retried: database busy or unreachable", { hostId, attempt, delayMs, error: err instanceof Error ? err.message : String(err) });
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  }
}
