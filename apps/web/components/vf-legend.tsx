import Link from "next/link";
import { GLOSSARY_HREF } from "@/lib/state-words.ts";
import { VF_STATES } from "./vf-states.ts";

export function VfLegend() {
  return (
    <div data-testid="vf-legend" className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-600">
      {VF_STATES.map((s) => (
        <span key={s.state} className="flex items-center gap-1.5" title={s.meaning}>
          <span className={`inline-block h-3 w-3 rounded-sm ${s.className}`} />
          {s.label}
        </span>
      ))}
      <GlossaryLink />
    </div>
  );
}

/** "what the words mean": beside every legend and count of states. */
export function GlossaryLink({ anchor }: { anchor?: string }) {
  return (
    <Link href={anchor ? `${GLOSSARY_HREF}#${anchor}` : GLOSSARY_HREF} className="text-sky-700 hover:underline" data-testid="glossary-link">
      what the words mean
    </Link>
  );
}
