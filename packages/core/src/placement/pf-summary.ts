import { classifyPf } from "./classify-capacity.ts";
import type { PlacementPf } from "./placement-types.ts";

/**
 * One PF of a VF pool in counts only: what capacity pages and what-if need, and what @vfleet/db
 * keeps per PF (`PfCapacity`, written through `summarizePf`) so they never load VF rows.
 */
export interface PfSummary {
  address: string;
  numaNode: number | null;
  ready: number;
  bindable: number;
  creatable: number;
  assigned: number;
  reserved: number;
  inUse: number;
  /** The PF's port link: "down" without carrier, null when it has no netdev (links do not apply). */
  link: "up" | "down" | null;
}

/** A host with the summaries of its PFs that a pool selects (already filtered by the selector). */
export interface SummaryHost {
  id: string;
  name: string;
  online: boolean;
  /** In maintenance: nothing new is placed on it, its capacity is not counted as free. */
  maintenance: boolean;
  pfs: PfSummary[];
}

export function summarizePf(pf: PlacementPf): PfSummary {
  const s = classifyPf(pf);
  return {
    address: pf.address,
    numaNode: pf.numaNode,
    ready: s.ready.length,
    bindable: s.bindable.length,
    creatable: s.creatable,
    assigned: s.assigned,
    reserved: s.reserved,
    inUse: s.inUse,
    link: pf.port?.link ?? null,
  };
}
