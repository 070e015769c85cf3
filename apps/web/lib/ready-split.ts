import type { HostCapacity } from "@vfleet/core";

export interface ReadySplit {
  ready: number;
  needsBind: number;
}

/**
 * "Free" hides the question an operator asks: can a guest take it now? Ready = on vfio-pci and no
 * guest holds it; needs bind = created, no guest holds it, but still on a host driver (or none).
 * Per host and per NUMA node, from the VFs' own states.
 */
export function readySplit(capacity: HostCapacity): { totals: ReadySplit; byNuma: Map<number | null, ReadySplit> } {
  const totals: ReadySplit = { ready: 0, needsBind: 0 };
  const byNuma = new Map<number | null, ReadySplit>();
  for (const pf of capacity.pfs) {
    for (const vf of pf.vfs) {
      if (vf.state === "assigned") continue;
      const node = byNuma.get(vf.numaNode) ?? { ready: 0, needsBind: 0 };
      const key = vf.state === "vfio" ? "ready" : "needsBind";
      node[key]++;
      totals[key]++;
      byNuma.set(vf.numaNode, node);
    }
  }
  return { totals, byNuma };
}
