import type { VfState } from "@vfleet/core";
import { glossaryLink, STATE_WORDS, type StateWord } from "@/lib/state-words.ts";

const word = (w: StateWord) => ({ label: w.word, meaning: w.meaning, glossary: glossaryLink(w) });

/** One colour and one explanation per VF state, shared by the grid and its legend. */
// Literal text colours (not the palette's white, which turns dark with the system's dark mode).
export const VF_STATES: { state: VfState; label: string; className: string; meaning: string; glossary: string }[] = [
  { state: "assigned", ...word(STATE_WORDS.assigned), className: "bg-vf-assigned text-[#ffffff]" },
  { state: "vfio", ...word(STATE_WORDS.ready), className: "bg-vf-vfio text-[#ffffff]" },
  { state: "host-driver", ...word(STATE_WORDS.needsBind), className: "bg-vf-host-driver text-[#ffffff]" },
  { state: "unbound", ...word(STATE_WORDS.unbound), className: "bg-vf-unbound text-[#1e293b]" },
];

/** What a VF's state means for this VF: the host driver by name when the scan knows it. */
export function vfStateMeaning(state: VfState, driver: string | null): string {
  if (state === "host-driver" && driver) return `needs bind: bound to its host driver, ${driver}`;
  const s = VF_STATES.find((x) => x.state === state);
  return s ? `${s.label}: ${s.meaning}` : state;
}

export const vfStateClass = (state: VfState) => VF_STATES.find((s) => s.state === state)?.className ?? "bg-slate-300";
