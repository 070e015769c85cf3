import type { PciDevice, PciNames } from "@vfleet/protocol";

export interface PciDeviceNames {
  vendor: string | null;
  device: string | null;
  /** The subsystem (the board as sold), e.g. a vendor's card built on the chip. */
  subsystem: string | null;
  /** Most precise class name the database has: prog-if, else subclass, else class. */
  className: string | null;
  /** One line as lspci prints it: `Mellanox Technologies MT27800 Family [ConnectX-5]`, ids when unnamed. */
  label: string;
}

/**
 * Name a device from its host's PCI ID database (`host.pciNames`), as lspci does, falling back to
 * the ids (`Device 0d57`) when the database lacks an entry or the host has none.
 */
export function namePciDevice(
  d: Pick<PciDevice, "vendorId" | "deviceId" | "subsystemVendorId" | "subsystemDeviceId" | "classCode">,
  names: PciNames | undefined,
): PciDeviceNames {
  const vendor = names?.vendors[d.vendorId] ?? null;
  const device = names?.devices[`${d.vendorId}:${d.deviceId}`] ?? null;
  const subsystem =
    d.subsystemVendorId && d.subsystemDeviceId
      ? (names?.subsystems[`${d.vendorId}:${d.deviceId}:${d.subsystemVendorId}:${d.subsystemDeviceId}`] ?? null)
      : null;
  const c = d.classCode;
  const className = names?.classes[c] ?? names?.classes[c.slice(0, 4)] ?? names?.classes[c.slice(0, 2)] ?? null;
  const label = `${vendor ?? `Vendor ${d.vendorId}`} ${device ?? `Device ${d.deviceId}`}`;
  return { vendor, device, subsystem, className, label };
}
