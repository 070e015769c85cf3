import { fixJobForCheck, type AuditReport } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import { jobPrefillHref } from "./job-prefill.ts";

/** Check id -> the host page link with the job that fixes it, for the checks that fail or warn and that a job can fix. */
export function auditFixLinks(hostId: string, report: AuditReport, inventory: Inventory): Record<string, string> {
  const links: Record<string, string> = {};
  for (const c of report.checks) {
    if (c.status !== "fail" && c.status !== "warn") continue;
    const fix = fixJobForCheck(c.id, inventory);
    if (fix) links[c.id] = jobPrefillHref(hostId, fix);
  }
  return links;
}
