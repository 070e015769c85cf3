import type { ReactNode } from "react";

export function Stat({
  label,
  value,
  hint,
  detail,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: string;
  /** More than a hint: a breakdown under the value (GPUs by model). */
  detail?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3" data-testid={testId}>
      <div className="text-[11px] font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div className="mt-1 text-xl font-semibold tabular-nums">{value}</div>
      {detail}
      {hint && <div className="text-xs text-slate-500">{hint}</div>}
    </div>
  );
}
