import { AUDIT_RULES_REVISION, auditHost, checkStatuses, encodeCheckStatuses, verdictOf } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import type { Db } from "./create-db.ts";

/** Worst first, as the audit verdict ranks them: a failure outranks a warning, which outranks "could not tell". */
const HEALTH_SEVERITY = { fail: 3, warn: 2, unknown: 1, pass: 0 } as const;

/**
 * Store the host audit's verdict on each inventory (host checks only) for the fleet page's
 * health column, and every check's status for the fleet audit's matrix: one statement for every
 * host. One entry per host.
 */
export async function recordHostHealth(db: Pick<Db, "$executeRaw">, hosts: { hostId: string; inventory: Inventory }[]): Promise<void> {
  if (hosts.length === 0) return;
  const auditedAt = new Date().toISOString();
  const rows = hosts.map(({ hostId, inventory }) => {
    const report = auditHost(inventory);
    const status = verdictOf(report.summary);
    return {
      hostId,
      verdict: status,
      severity: HEALTH_SEVERITY[status],
      fail: report.summary.fail,
      warn: report.summary.warn,
      unknown: report.summary.unknown,
      auditedAt,
      checks: encodeCheckStatuses(checkStatuses(report)),
      rulesRevision: AUDIT_RULES_REVISION,
    };
  });
  await db.$executeRaw`
    INSERT INTO "HostHealth" ("hostId", verdict, severity, fail, warn, unknown, "auditedAt", checks, "rulesRevision")
    SELECT r."hostId", r.verdict, r.severity, r.fail, r.warn, r.unknown, r."auditedAt", r.checks, r."rulesRevision"
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS r("hostId" text, verdict text, severity int, fail int, warn int, unknown int, "auditedAt" timestamp(3), checks text, "rulesRevision" int)
    ON CONFLICT ("hostId") DO UPDATE SET verdict = EXCLUDED.verdict, severity = EXCLUDED.severity, fail = EXCLUDED.fail,
      warn = EXCLUDED.warn, unknown = EXCLUDED.unknown, "auditedAt" = EXCLUDED."auditedAt", checks = EXCLUDED.checks,
      "rulesRevision" = EXCLUDED."rulesRevision"`;
}
