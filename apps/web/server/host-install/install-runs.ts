import { randomUUID } from "node:crypto";
import type { HostInstallRequest } from "./install-requests.ts";
import { StepLog, type StepRecord } from "./step-log.ts";

interface TargetRun {
  address: string;
  port: number;
  user: string;
  hostName: string;
  state: "queued" | "running" | "succeeded" | "failed";
  error?: string;
  explanation?: string;
  hostId?: string;
  steps: StepRecord[];
}

export interface InstallRun {
  id: string;
  action: HostInstallRequest["action"];
  createdAt: string;
  state: "running" | "done";
  targets: TargetRun[];
}

type Work = (log: StepLog, target: HostInstallRequest["targets"][number]) => Promise<{ hostId?: string } | void>;

/** Runs kept for the API to show (the newest; older ones are dropped). */
const KEEP_RUNS = 100;

/**
 * Install/remove runs over many hosts, at most `maxParallel` SSH sessions at once; each host's
 * steps and result are kept in memory for the page to poll. One run's failure on a host never
 * stops the others.
 */
export class InstallRuns {
  readonly #runs = new Map<string, InstallRun>();
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  /** Highest number of sessions open at once (reported, and checked by the tests). */
  peakParallel = 0;
  /** Runs started since the server began (checked by the tests: a retried request starts none). */
  started = 0;

  constructor(readonly maxParallel: number) {}

  get(id: string): InstallRun | undefined {
    return this.#runs.get(id);
  }

  start(action: HostInstallRequest["action"], targets: HostInstallRequest["targets"], work: Work): InstallRun {
    const run: InstallRun = {
      id: randomUUID(),
      action,
      createdAt: new Date().toISOString(),
      state: "running",
      targets: targets.map((t) => ({ address: t.address, port: t.port, user: t.user, hostName: t.hostName, state: "queued", steps: [] })),
    };
    this.#runs.set(run.id, run);
    this.started += 1;
    if (this.#runs.size > KEEP_RUNS) this.#runs.delete(this.#runs.keys().next().value!);
    void Promise.all(
      targets.map((t, i) =>
        this.#slot(async () => {
          const rec = run.targets[i]!;
          const log = new StepLog();
          rec.steps = log.steps;
          rec.state = "running";
          try {
            const result = await work(log, t);
            rec.state = "succeeded";
            if (result?.hostId) rec.hostId = result.hostId;
          } catch (err) {
            rec.state = "failed";
            const failed = log.steps.find((s) => s.state === "failed");
            rec.error = failed?.error ?? (err instanceof Error ? err.message : String(err));
            rec.explanation = failed?.explanation ?? (err as { explanation?: string }).explanation;
          }
        }),
      ),
    ).then(() => {
      run.state = "done";
    });
    return run;
  }

  /** Resolves when every host of the run finished. */
  async settled(id: string): Promise<InstallRun> {
    for (;;) {
      const run = this.#runs.get(id);
      if (!run || run.state === "done") return run!;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async #slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.maxParallel) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#active++;
    this.peakParallel = Math.max(this.peakParallel, this.#active);
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}
