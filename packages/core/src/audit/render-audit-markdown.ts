import { auditVerdict } from "./audit-verdict.ts";
import { AUDIT_LAYERS, LAYER_TITLES, type AuditReport, type AuditStatus } from "./types.ts";

const MARK: Record<AuditStatus, string> = { pass: "PASS", warn: "WARN", fail: "FAIL", unknown: "COULD NOT TELL", "not-applicable": "N/A" };

/** Backticks in evidence would break inline code; fenced blocks need a fence longer than any run inside. */
const fence = (s: string) => "`".repeat(Math.max(3, ...[...s.matchAll(/`+/g)].map((m) => m[0].length + 1)));
const escapeInline = (s: string) => s.replace(/([\\|*_[\]<>])/g, "\\$1");

/** The report as Markdown for export (tickets, change requests): layers in order, evidence, fixes. */
export function renderAuditMarkdown(report: AuditReport): string {
  const s = report.summary;
  const out: string[] = [
    `# Passthrough audit: ${escapeInline(report.host)}${report.guest ? ` (guest ${escapeInline(report.guest)})` : ""}`,
    "",
    `**${MARK[auditVerdict(report).status]}: ${escapeInline(auditVerdict(report).line)}**`,
    "",
    ...(report.auditedAt
      ? [`Audited ${report.auditedAt} from the inventory scanned ${report.scannedAt ?? "at an unknown time"}.`, ""]
      : []),
    // "could not tell" gets a column only when a check has it: reports of complete hosts stay as they were.
    `| pass | warn | fail |${s.unknown > 0 ? " could not tell |" : ""} n/a |`,
    `| ---: | ---: | ---: |${s.unknown > 0 ? " ---: |" : ""} ---: |`,
    `| ${s.pass} | ${s.warn} | ${s.fail} |${s.unknown > 0 ? ` ${s.unknown} |` : ""} ${s["not-applicable"]} |`,
  ];
  for (const layer of AUDIT_LAYERS) {
    const checks = report.checks.filter((c) => c.layer === layer);
    if (checks.length === 0) continue;
    out.push("", `## ${LAYER_TITLES[layer]}`);
    for (const c of checks) {
      out.push("", `### ${MARK[c.status]} ${escapeInline(c.title)} (\`${c.id}\`)`, "");
      for (const e of c.evidence) out.push(`- ${escapeInline(e)}`);
      if (c.remediation) {
        const f = fence(c.remediation);
        out.push("", "Fix:", "", f, c.remediation, f);
      }
    }
  }
  return out.join("\n") + "\n";
}
