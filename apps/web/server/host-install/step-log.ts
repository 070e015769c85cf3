import { InstallError } from "./ssh-session.ts";

export interface StepRecord {
  name: string;
  state: "running" | "ok" | "failed";
  /** What the host printed (commands are shown with a leading `$`). */
  output: string;
  error?: string;
  explanation?: string;
  startedAt: string;
  finishedAt?: string;
}

/** The steps of one host's install or removal, as they happen (read live by the API). */
export class StepLog {
  readonly steps: StepRecord[] = [];

  async step<T>(name: string, fn: (out: (text: string) => void) => Promise<T>): Promise<T> {
    const rec: StepRecord = { name, state: "running", output: "", startedAt: new Date().toISOString() };
    this.steps.push(rec);
    const out = (text: string) => {
      rec.output += text.endsWith("\n") ? text : `${text}\n`;
    };
    try {
      const value = await fn(out);
      rec.state = "ok";
      return value;
    } catch (err) {
      rec.state = "failed";
      rec.error = err instanceof Error ? err.message : String(err);
      const extra = (err as { output?: string }).output;
      if (extra) out(extra);
      rec.explanation = err instanceof InstallError ? err.explanation : undefined;
      throw err;
    } finally {
      rec.finishedAt = new Date().toISOString();
    }
  }
}
