import { formatBdf, parseBdf } from "./bdf.ts";

/**
 * The address of VF `vfId` (0-based) of a PF, computed exactly as the kernel's
 * pci_iov_virtfn_bus()/pci_iov_virtfn_devfn() (drivers/pci/iov.c):
 *   bus   = pf.bus + ((pf.devfn + offset + stride * vfId) >> 8)
 *   devfn = (pf.devfn + offset + stride * vfId) & 0xff
 */
export function vfAddress(pfBdf: string, offset: number, stride: number, vfId: number): string {
  const pf = parseBdf(pfBdf);
  const rid = pf.devfn + offset + stride * vfId;
  const bus = pf.bus + (rid >> 8);
  if (bus > 0xff) throw new Error(`VF ${vfId} of ${pfBdf} would sit on bus ${bus.toString(16)} (> ff): offset/stride too large`);
  return formatBdf({ domain: pf.domain, bus, devfn: rid & 0xff });
}
