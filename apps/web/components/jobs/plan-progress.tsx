import type { PlanView } from "@vfleet/db";

/** A plan's title and how far it got: a bar of finished jobs (green done, red failed, grey cancelled) over the total. */
export function PlanProgress({ plan }: { plan: PlanView }) {
  const n = (s: string) => plan.counts[s] ?? 0;
  const done = n("succeeded");
  const pct = (k: number) => `${plan.total ? (k / plan.total) * 100 : 0}%`;
  return (
    <div className="mb-1 flex flex-wrap items-center gap-3 text-xs" data-testid="plan-progress">
      <span className="font-medium">Plan: {plan.title}</span>
      <div
        className="flex h-2 w-40 overflow-hidden rounded-sm bg-slate-200"
        role="img"
        aria-label={`${done} of ${plan.total} jobs succeeded`}
      >
        <div className="bg-emerald-600" style={{ width: pct(done) }} />
        <div className="bg-rose-600" style={{ width: pct(n("failed")) }} />
        <div className="bg-slate-500" style={{ width: pct(n("cancelled")) }} />
      </div>
      <span className="text-slate-600" data-testid="plan-progress-text">
        {done} of {plan.total} succeeded{n("failed") ? `, ${n("failed")} failed` : ""}
        {n("cancelled") ? `, ${n("cancelled")} cancelled` : ""}
        {plan.finishedAt ? "" : " · running"}
      </span>
      {plan.stopReason && <span className="text-rose-700">{plan.stopReason}</span>}
    </div>
  );
}
