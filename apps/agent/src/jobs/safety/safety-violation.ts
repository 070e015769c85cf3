import { JobFailure } from "../job-failure.ts";

/** A safety rule the agent enforces whatever the server asked (ARCHITECTURE.md "Safety rules"). */
export type SafetyViolation = { code: string; message: string; explanation: string };

const toFailure = (v: SafetyViolation) => new JobFailure(v.code, v.message, v.explanation);

/** Throw the first violation, if any. */
export function enforce(...checks: Array<SafetyViolation | null>): void {
  const v = checks.find((c) => c !== null);
  if (v) throw toFailure(v);
}
