import type { JobError } from "@vfleet/protocol";

/** A job that cannot or must not go on: `code` is stable, `message` the host's words, `explanation` plain words. */
export class JobFailure extends Error {
  override readonly name = "JobFailure";
  constructor(
    readonly code: string,
    readonly hostMessage: string,
    readonly explanation: string,
    /** Set when the host took part of the change before refusing the rest: what it reads now. */
    readonly partial?: { changed: true; observed: Record<string, unknown> },
  ) {
    super(`${code}: ${hostMessage}`);
  }
  toJobError(): JobError {
    return { code: this.code, message: this.hostMessage.slice(0, 4000), explanation: this.explanation.slice(0, 4000) };
  }
}
