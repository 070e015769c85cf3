import { AUDIT_LAYERS, LAYER_TITLES, type AuditReport, type AuditStatus } from "./types.ts";

const MARK: Record<AuditStatus, string> = { pass: "PASS", warn: "WARN", fail: "FAIL", unknown: "????", "not-applicable": " n/a" };

/** Plain-text layered report for a terminal (the agent CLI's default output). */
export function renderAuditText(report: AuditReport): string {
  const out: string[] = [`Passthrough audit of ${report.host}${report.guest ? `, guest ${report.guest}` : ""}`];
  for (const layer of AUDIT_LAYERS) {
    const checks = report.checks.filter((c) => c.layer === layer);
    if (checks.length === 0) continue;
    out.push("", `== ${LAYER_TITLES[layer]}`);
    for (const c of checks) {
      out.push(`[${MARK[c.status]}] ${c.title}  (${c.id})`);
      for (const e of c.evidence) out.push(`         ${e}`);
      if (c.remediation && c.status !== "pass") {
        out.push("       fix:");
        for (const line of c.remediation.split("\n")) out.push(`         ${line}`);
      }
    }
  }
  const s = report.summary;
  out.push(
    "",
    `${s.pass} pass, ${s.warn} warn, ${s.fail} fail, ${s.unknown > 0 ? `${s.unknown} could not tell, ` : ""}${s["not-applicable"]} not applicable`,
  );
  return out.join("\n") + "\n";
}
