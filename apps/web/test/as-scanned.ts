import type { Inventory } from "@vfleet/protocol";
import { normalizeInventory } from "@vfleet/db";

/**
 * A stored inventory as a bare `scanHost` of the same root sees it: without what the daemon adds
 * (`host.libvirt`, whether libvirtd answered; `host.simulated`, which kernel answers its writes),
 * normalized for comparison. Tests that care say what they expect of both.
 */
export function asScanned(stored: Inventory): Inventory {
  const { libvirt: _, simulated: __, ...host } = stored.host;
  return normalizeInventory({ ...stored, host });
}
