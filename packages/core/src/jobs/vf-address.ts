/**
 * The PCI address of VF `index` of a PF, as the kernel computes it (drivers/pci/iov.c
 * pci_iov_virtfn_bus/devfn): routing id = PF's bus<<8|devfn + offset + stride * index. Lets a
 * plan name the VFs a vf.set-count job will create before they exist, and the simulator create them.
 */
export function vfAddressOf(pfAddress: string, offset: number, stride: number, index: number): string {
  const m = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$/.exec(pfAddress);
  if (!m) throw new Error(`pfAddress: must be a PCI address like 0000:86:00.0, got ${JSON.stringify(pfAddress)}`);
  const rid = (Number.parseInt(m[2]!, 16) << 8) + (Number.parseInt(m[3]!, 16) << 3) + Number(m[4]) + offset + stride * index;
  const bus = rid >> 8;
  if (bus > 0xff) throw new Error(`VF ${index} of ${pfAddress} would sit on bus ${bus.toString(16)} (> ff): offset/stride too large`);
  const slot = (rid >> 3) & 0x1f;
  const fn = rid & 7;
  return `${m[1]}:${bus.toString(16).padStart(2, "0")}:${slot.toString(16).padStart(2, "0")}.${fn}`;
}
