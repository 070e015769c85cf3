import { parseBdf } from "../model/bdf.ts";
import type { HostState } from "../model/host-state.ts";

/**
 * Tree-relative sysfs directory of a PCI function: `sys/devices/pci<DDDD>:<BB>/<bridge>/.../<bdf>`.
 * Root-bus devices sit under their host bridge's `pciDDDD:BB`; everything else under its
 * upstream bridge, and VFs beside their PF (the kernel gives them the PF's parent).
 */
export function devicePath(state: HostState, bdf: string): string {
  const fn = state.functions.get(bdf);
  if (!fn) throw new Error(`no PCI function ${bdf}`);
  if (fn.parent) return `${devicePath(state, fn.parent)}/${bdf}`;
  const a = parseBdf(bdf);
  return `sys/devices/pci${a.domain.toString(16).padStart(4, "0")}:${a.bus.toString(16).padStart(2, "0")}/${bdf}`;
}
