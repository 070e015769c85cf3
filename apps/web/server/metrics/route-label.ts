import { accessFor, isPublicAsset } from "../../lib/auth/access-rules.ts";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Low-cardinality labels for a request: its route from the access table, in Next's folder syntax
 * (`/api/v1/jobs/[jobId]`), static files as one label, and every path the table does not know as
 * `unmatched`. Labels never come from what a client typed, so strangers cannot grow /metrics by
 * asking for new paths.
 */
export function routeLabel(method: string, path: string): string {
  if (isPublicAsset(path)) return "static";
  return accessFor(method, path).route ?? "unmatched";
}

export function methodLabel(method: string | undefined): string {
  const upper = (method ?? "GET").toUpperCase();
  return METHODS.has(upper) ? upper : "other";
}
