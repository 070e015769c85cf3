import { raiseAerErrors } from "../model/aer.ts";
import type { AerSeverity } from "../model/host-state.ts";
import { loadHostState, saveHostState, withHostStateLock } from "./host-state-file.ts";
import { cloneState } from "./kernel-state.ts";
import { syncTree } from "./sync-tree.ts";

/**
 * A simulated device reports PCIe errors: its `aer_dev_*` counters grow by `count` (as after
 * QEMU's `pcie_aer_inject_error` on a real kernel), in the shared state and in its tree, under
 * the state lock so an agent's job never sees half of it.
 */
export async function injectAerErrors(
  root: string,
  p: { device: string; severity: AerSeverity; count?: number; error?: string },
): Promise<void> {
  await withHostStateLock(root, async () => {
    const before = await loadHostState(root);
    const after = cloneState(before);
    const fn = after.functions.get(p.device);
    if (!fn) throw new Error(`device: no PCI function ${p.device} on this simulated host`);
    raiseAerErrors(fn, p.severity, p.count ?? 1, p.error);
    await saveHostState(root, after);
    await syncTree(root, before, after, { touched: [p.device], removed: [], netChanged: [] });
  });
}
