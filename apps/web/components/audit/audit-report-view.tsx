import { AUDIT_LAYERS, LAYER_TITLES, auditVerdict, type AuditReport } from "@vfleet/core";
import { formatTime } from "@/lib/format.ts";
import { AuditStatusBadge } from "./audit-status-badge.tsx";
import { AuditSummaryBar } from "./audit-summary.tsx";

/**
 * The layered report: each check with its evidence and the exact fix. No hooks: server and client
 * both render it. `fixes` maps a check id to the host page link that opens the job doing the fix.
 */
export function AuditReportView({
  report,
  fixes = {},
  guestFirst = false,
}: {
  report: AuditReport;
  fixes?: Record<string, string>;
  /** A guest plan's report: the guest's own checks first, then the host's it depends on. */
  guestFirst?: boolean;
}) {
  const layers = guestFirst ? ["guest" as const, ...AUDIT_LAYERS.filter((l) => l !== "guest")] : AUDIT_LAYERS;
  return (
    <div className="space-y-5" data-testid="audit-report">
      <VerdictLine report={report} />
      <AuditSummaryBar summary={report.summary} />
      {layers.map((layer) => {
        const checks = report.checks.filter((c) => c.layer === layer);
        if (checks.length === 0) return null;
        return (
          <section
            key={layer}
            className="rounded-lg border border-slate-200 bg-white break-inside-avoid-page"
            data-testid={`audit-layer-${layer}`}
          >
            <h2 className="border-b border-slate-100 px-4 py-2.5 text-[13px] font-semibold">{LAYER_TITLES[layer]}</h2>
            <ul className="divide-y divide-slate-100">
              {checks.map((c) => (
                <li
                  key={c.id}
                  className="px-4 py-3 break-inside-avoid"
                  data-testid="audit-check"
                  data-check-id={c.id}
                  data-status={c.status}
                >
                  <div className="flex flex-wrap items-center gap-x-3">
                    <AuditStatusBadge status={c.status} />
                    <span className="font-medium">{c.title}</span>
                    <code className="ml-auto text-[11px] text-slate-500">{c.id}</code>
                  </div>
                  <ul className="mt-1.5 space-y-0.5 font-mono text-[11px] text-slate-600 wrap-anywhere sm:pl-[3.75rem]">
                    {c.evidence.map((e, i) => (
                      <li key={i}>{e}</li>
                    ))}
                  </ul>
                  {c.remediation && c.status !== "pass" && (
                    <div className="mt-2 sm:pl-[3.75rem]">
                      <div className="flex items-center gap-3">
                        <div className="text-[11px] font-semibold uppercase tracking-wide text-slate-500">Fix</div>
                        {fixes[c.id] && (
                          <a
                            href={fixes[c.id]}
                            data-testid="audit-fix-button"
                            data-print="hide"
                            className="rounded bg-sky-700 px-2.5 py-0.5 text-xs font-medium text-white hover:bg-sky-800"
                          >
                            Fix: open the prefilled job
                          </a>
                        )}
                      </div>
                      <pre
                        className="mt-1 overflow-x-auto whitespace-pre-wrap rounded bg-slate-900 px-3 py-2 font-mono text-[11px] text-slate-100 print:bg-white print:text-black print:ring-1 print:ring-slate-300"
                        data-testid="audit-remediation"
                      >
                        {c.remediation}
                      </pre>
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

const VERDICT_STYLE = {
  pass: "border-emerald-300 bg-emerald-50 text-emerald-950",
  warn: "border-amber-300 bg-amber-50 text-amber-950",
  fail: "border-rose-300 bg-rose-50 text-rose-950",
  unknown: "border-violet-300 bg-violet-50 text-violet-950",
} as const;

/** The answer first, in one line (the guest's, when a guest is audited), then when it was audited and from what. */
function VerdictLine({ report }: { report: AuditReport }) {
  const verdict = auditVerdict(report);
  return (
    <div
      className={`rounded-md border px-3 py-2 ${VERDICT_STYLE[verdict.status]}`}
      data-testid="audit-verdict"
      data-status={verdict.status}
    >
      <p className="text-[13px] font-medium">{verdict.line}</p>
      {report.auditedAt && (
        <p className="mt-0.5 text-xs" data-testid="audit-stamps">
          Audited {formatTime(report.auditedAt)} from the inventory scanned{" "}
          {report.scannedAt ? formatTime(report.scannedAt) : "at an unknown time"}.
        </p>
      )}
    </div>
  );
}
