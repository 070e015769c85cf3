import { badRequest } from "../parse-json-body.ts";

/**
 * A confirm must say what it was previewed against: the `basis` its dry run returned (the host
 * changed since: 409 with the new preview), or `force: true` to queue it whatever changed (kept
 * on the jobs and in the audit event). Without either it would silently overwrite another
 * operator's change: 428 Precondition Required naming the field, and nothing queued.
 */
export function requireBasis(body: { dryRun: boolean; basis?: string | undefined; force: boolean }): Response | null {
  if (body.dryRun) return null;
  if (body.force && body.basis !== undefined)
    return badRequest("force", "give basis or force: true, not both (force queues without checking a basis)");
  if (body.basis !== undefined || body.force) return null;
  return Response.json(
    {
      error:
        "basis: is required to queue a change: send the basis its preview (dryRun: true) returned, or force: true to queue it whatever changed on the host since",
      field: "basis",
    },
    { status: 428 },
  );
}
