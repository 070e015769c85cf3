import type { VfState } from "@vfleet/core";

/** One colour and one explanation per VF state, shared by the grid and its legend. */
// Literal text colours (not the palette's white, which turns dark with the system's dark mode).
export const VF_STATES: { state: VfState; label: string; className: string; meaning: string }[] = [
  { state: "assigned", label: "assigned", className: "bg-vf-assigned text-[#ffffff]", meaning: "named by a guest's hostdev" },
  { state: "vfio", label: "vfio-pci", className: "bg-vf-vfio text-[#ffffff]", meaning: "bound to vfio-pci, ready for a guest" },
  {
    state: "host-driver",
    label: "host driver",
    className: "bg-vf-host-driver text-[#ffffff]",
    meaning: "bound to a host driver (e.g. mlx5_core)",
  },
  { state: "unbound", label: "unbound", className: "bg-vf-unbound text-[#1e293b]", meaning: "no driver bound" },
];

/** What a VF's state means for this VF: the host driver by name when the scan knows it. */
export function vfStateMeaning(state: VfState, driver: string | null): string {
  if (state === "host-driver" && driver) return `bound to its host driver, ${driver}`;
  return VF_STATES.find((s) => s.state === state)?.meaning ?? state;
}

export const vfStateClass = (state: VfState) => VF_STATES.find((s) => s.state === state)?.className ?? "bg-slate-300";
