const STYLE: Record<string, string> = {
  queued: "bg-slate-100 text-slate-600 ring-slate-200",
  dispatched: "bg-sky-50 text-sky-700 ring-sky-200",
  running: "bg-sky-100 text-sky-800 ring-sky-300",
  succeeded: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  failed: "bg-rose-50 text-rose-700 ring-rose-200",
  cancelled: "bg-amber-50 text-amber-700 ring-amber-200",
  unknown: "bg-violet-50 text-violet-700 ring-violet-200",
  abandoned: "bg-zinc-800 text-[#ffffff] ring-zinc-900",
};

/** A job state as a coloured pill; `unknown` means the agent went away mid-job (it reports when back). */
export function JobStateBadge({ state }: { state: string }) {
  return (
    <span
      data-testid="job-state"
      data-state={state}
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${STYLE[state] ?? STYLE.queued}`}
    >
      {state}
    </span>
  );
}
