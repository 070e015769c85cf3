import type { HostState } from "./host-state.ts";

/** The kernel allocates IOMMU group ids with ida_alloc(): the lowest id not in use. */
export function allocateIommuGroup(state: HostState): number {
  const used = new Set<number>();
  for (const f of state.functions.values()) if (f.iommuGroup !== null) used.add(f.iommuGroup);
  let id = 0;
  while (used.has(id)) id++;
  return id;
}
