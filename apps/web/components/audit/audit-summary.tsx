import type { AuditSummary as Summary } from "@vfleet/core";

export function AuditSummaryBar({ summary }: { summary: Summary }) {
  const items: [keyof Summary, string, string][] = [
    ["fail", "fail", "text-rose-700"],
    ["warn", "warn", "text-amber-700"],
    ["pass", "pass", "text-emerald-700"],
    ["unknown", "could not tell", "text-violet-700"],
    ["not-applicable", "n/a", "text-slate-500"],
  ];
  return (
    <div className="flex flex-wrap gap-2 sm:gap-4" data-testid="audit-summary">
      {items.map(([key, label, color]) => (
        <div key={key} className="rounded-lg border border-slate-200 bg-white px-4 py-2">
          <div className={`text-xl font-semibold tabular-nums ${color}`} data-testid={`summary-${key}`}>
            {summary[key]}
          </div>
          <div className="text-[11px] uppercase tracking-wide text-slate-500">{label}</div>
        </div>
      ))}
    </div>
  );
}
