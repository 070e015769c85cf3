import type { Conflict } from "@vfleet/db";

/** 409: another job (or plan) already holds a device or guest this request would change. */
export function conflictResponse(conflict: Conflict): Response {
  const who = conflict.createdBy ? ` (queued by ${conflict.createdBy})` : "";
  const what = conflict.summary ? `: ${conflict.summary}` : "";
  // Held by no job or plan: the host or the function changed state (maintenance, quarantine); the summary says how.
  if (!conflict.jobId && !conflict.planId && conflict.summary) return Response.json({ error: conflict.summary, conflict }, { status: 409 });
  const mac = /^mac:(\d+)\/(.+)$/.exec(conflict.key);
  if (mac) {
    return Response.json(
      {
        error: `${conflict.field}: MAC ${mac[2]} on VLAN ${mac[1]} is already given by job ${conflict.jobId}${what}${who}: MACs must be unique per VLAN across the fleet`,
        field: conflict.field,
        conflict,
      },
      { status: 409 },
    );
  }
  return Response.json(
    {
      error: `${conflict.key.replace(/^dev:/, "device ").replace(/^guest:/, "guest ")} is being changed by job ${conflict.jobId}${what}${who}; wait for it to finish or cancel it`,
      conflict,
    },
    { status: 409 },
  );
}

/**
 * 409: the host changed since the operator's preview (another operator's job finished, or a new
 * inventory arrived). Carries the new state's previews and basis, so the UI shows them and the
 * operator confirms what the host now is, never an old picture.
 */
export function staleResponse(basis: string, previews: unknown): Response {
  return Response.json(
    {
      error:
        "basis: the host changed since this preview (another job finished or a new inventory arrived); review the new preview and confirm again",
      field: "basis",
      basis,
      previews,
    },
    { status: 409 },
  );
}
