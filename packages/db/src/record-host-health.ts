import { auditHost, auditVerdict } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import type { Db } from "./create-db.ts";

/** Worst first, as the audit verdict ranks them: a failure outranks a warning, which outranks "could not tell". */
export const HEALTH_SEVERITY = { fail: 3, warn: 2, unknown: 1, pass: 0 } as const;

/** Store the host audit's verdict on this inventory (host checks only) for the fleet page's health column. */
export async function recordHostHealth(db: Db, hostId: string, inventory: Inventory): Promise<void> {
  const report = auditHost(inventory);
  const { status } = auditVerdict(report);
  const row = { verdict: status, severity: HEALTH_SEVERITY[status], fail: report.summary.fail, warn: report.summary.warn, unknown: report.summary.unknown, auditedAt: new Date() };
  await db.hostHealth.upsert({ where: { hostId }, create: { hostId, ...row }, update: row });
}
