import type { Inventory } from "@vfleet/protocol";
import { normalizeInventory } from "@vfleet/db";

/**
 * A stored inventory as a bare `scanHost` of the same root sees it: without what the daemon adds
 * (`host.libvirt`, whether libvirtd answered), normalized for comparison.
 */
export function asScanned(stored: Inventory): Inventory {
  const { libvirt: _, ...host } = stored.host;
  return normalizeInventory({ ...stored, host });
}
