import { VF_STATES } from "./vf-states.ts";

export function VfLegend() {
  return (
    <div data-testid="vf-legend" className="flex flex-wrap gap-4 text-xs text-slate-600">
      {VF_STATES.map((s) => (
        <span key={s.state} className="flex items-center gap-1.5" title={s.meaning}>
          <span className={`inline-block h-3 w-3 rounded-sm ${s.className}`} />
          {s.label}
        </span>
      ))}
    </div>
  );
}
