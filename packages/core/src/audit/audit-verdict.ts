import type { AuditReport, AuditStatus, AuditSummary } from "./types.ts";

export type AuditVerdictStatus = Exclude<AuditStatus, "not-applicable">;

/** The worst status decides; checks that could not tell never make a host "ready". */
export const verdictOf = (summary: AuditSummary): AuditVerdictStatus =>
  summary.fail > 0 ? "fail" : summary.warn > 0 ? "warn" : summary.unknown > 0 ? "unknown" : "pass";

/**
 * The answer an operator asked for, in one line, before the details: "can guest G get its devices
 * on this host?" (or "is this host ready?"). The worst status decides; a host-level failure blocks
 * the guest as surely as its own sizing, so every check counts, and the failing ones are named,
 * the guest's own first.
 */
export function auditVerdict(report: AuditReport): { status: AuditVerdictStatus; line: string } {
  const named = (status: AuditStatus) =>
    report.checks
      .filter((c) => c.status === status)
      .sort((a, b) => Number(b.layer === "guest") - Number(a.layer === "guest"))
      .map((c) => c.title);
  const fails = named("fail");
  const warns = named("warn");
  const unknowns = named("unknown");
  const status = verdictOf(report.summary);
  const subject = report.guest ? `Guest ${report.guest} on ${report.host}` : `Host ${report.host}`;
  const list = (titles: string[]) => titles.slice(0, 3).join("; ") + (titles.length > 3 ? `; and ${titles.length - 3} more` : "");
  const line =
    status === "fail"
      ? `${subject}: ${report.guest ? "will not work as planned" : "not ready"} — ${fails.length} check${fails.length === 1 ? " fails" : "s fail"}: ${list(fails)}${warns.length ? ` (and ${warns.length} warn)` : ""}`
      : status === "warn"
        ? `${subject}: can work, with ${warns.length} warning${warns.length === 1 ? "" : "s"}: ${list(warns)}${unknowns.length ? ` (and ${unknowns.length} could not tell)` : ""}`
        : status === "unknown"
          ? `${subject}: could not tell — ${unknowns.length} check${unknowns.length === 1 ? "" : "s"} lacked evidence: ${list(unknowns)}`
          : `${subject}: ready — all ${report.summary.pass} applicable checks pass`;
  return { status, line };
}
