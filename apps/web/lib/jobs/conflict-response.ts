import type { Conflict } from "@vfleet/db";

/** 409: another job (or plan) already holds a device or guest this request would change. */
export function conflictResponse(conflict: Conflict): Response {
  const who = conflict.createdBy ? ` (queued by ${conflict.createdBy})` : "";
  const what = conflict.summary ? `: ${conflict.summary}` : "";
  return Response.json({
    error: `${conflict.key.replace(/^dev:/, "device ").replace(/^guest:/, "guest ")} is being changed by job ${conflict.jobId}${what}${who}; wait for it to finish or cancel it`,
    conflict,
  }, { status: 409 });
}
