import { recordConnectivityEvents, touchHostsSeen, type ConnectivityEvent, type Db } from "@vfleet/db";
import type { Log } from "./logger.ts";

export interface LivenessWriterOptions {
  db: Db;
  log: Log;
  intervalMs: number;
  /** Hosts whose agent this process heard from since `sinceMs` (Date.now() clock), or is busy serving. */
  heardSince: (sinceMs: number) => string[];
}

/**
 * Writes liveness and connectivity audit events in batches, every `intervalMs`: one UPDATE of
 * lastSeenAt for every host heard from since the last write, and one INSERT of the online/
 * offline events seen meanwhile. At 5,000 agents heartbeating every 10 s that is one statement
 * per interval instead of 500 transactions a second. lastSeenAt is at most one
 * interval late, well within the offline sweeper's margin.
 */
export class LivenessWriter {
  readonly #o: LivenessWriterOptions;
  readonly #timer: NodeJS.Timeout;
  #events: ConnectivityEvent[] = [];
  #last = Date.now();
  #running: Promise<void> = Promise.resolve();

  constructor(options: LivenessWriterOptions) {
    this.#o = options;
    this.#timer = setInterval(() => void this.flush(), options.intervalMs);
    this.#timer.unref();
  }

  event(e: Omit<ConnectivityEvent, "at">): void {
    this.#events.push({ ...e, at: new Date() });
  }

  flush(): Promise<void> {
    this.#running = this.#running.then(() => this.#write());
    return this.#running;
  }

  async #write(): Promise<void> {
    const since = this.#last;
    this.#last = Date.now();
    const events = this.#events;
    this.#events = [];
    try {
      await touchHostsSeen(this.#o.db, this.#o.heardSince(since));
    } catch (err) {
      this.#o.log("error", "liveness write failed", { error: err instanceof Error ? err.message : String(err) });
      this.#last = since; // the next write covers this interval too
    }
    try {
      await recordConnectivityEvents(this.#o.db, events);
    } catch (err) {
      this.#o.log("error", "connectivity audit write failed", {
        count: events.length,
        error: err instanceof Error ? err.message : String(err),
      });
      this.#events.unshift(...events.slice(0, 10_000));
    }
  }

  /** Write what is left (before the database stops). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
