import { namePciDevice } from "@vfleet/core";
import type { Inventory, PciDevice } from "@vfleet/protocol";
import { pciClassName } from "./pci-class-name.ts";

/** How the dashboard names a device: the host's pci.ids names, the class (with a built-in fallback), the ids. */
export function describeDevice(d: PciDevice, inventory: Inventory) {
  const n = namePciDevice(d, inventory.host.pciNames);
  return { ...n, className: n.className ?? pciClassName(d.classCode), ids: `${d.vendorId}:${d.deviceId}` };
}
