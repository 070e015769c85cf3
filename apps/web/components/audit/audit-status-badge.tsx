import type { AuditStatus } from "@vfleet/core";

const STYLE: Record<AuditStatus, string> = {
  pass: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  warn: "bg-amber-50 text-amber-800 ring-amber-200",
  fail: "bg-rose-50 text-rose-700 ring-rose-200",
  unknown: "bg-violet-50 text-violet-700 ring-violet-200",
  "not-applicable": "bg-slate-100 text-slate-600 ring-slate-200",
};
const LABEL: Record<AuditStatus, string> = { pass: "pass", warn: "warn", fail: "fail", unknown: "could not tell", "not-applicable": "n/a" };

export function AuditStatusBadge({ status }: { status: AuditStatus }) {
  return (
    <span
      data-testid="audit-status"
      data-status={status}
      className={`inline-block w-12 rounded px-1.5 py-0.5 text-center text-[11px] font-semibold uppercase ring-1 print:ring-0 ${STYLE[status]}`}
    >
      {LABEL[status]}
    </span>
  );
}
