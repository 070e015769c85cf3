import { parseBdf } from "../model/bdf.ts";
import type { PciePortType } from "../model/host-spec.ts";
import type { PciFunction } from "../model/host-state.ts";

/**
 * Binary PCI configuration space for one function, as the kernel's sysfs `config` file
 * returns it to root: 4096 bytes for PCIe functions (extended space), 256 for conventional
 * PCI. Layout follows the PCI Local Bus 3.0 header and the PCIe Base spec capabilities;
 * lspci decodes it, so every field here is checked by the lspci agreement test.
 */

const PORT_TYPE: Record<PciePortType, number> = {
  endpoint: 0x0,
  "legacy-endpoint": 0x1,
  "root-port": 0x4,
  upstream: 0x5,
  downstream: 0x6,
  "pcie-to-pci": 0x7,
  "rc-endpoint": 0x9,
};
const SPEED_CODE: Record<number, number> = { 2.5: 1, 5: 2, 8: 3, 16: 4 };

const CAP_PCIE = 0x10;
const CAP_MSIX = 0x11;
const EXT_CAP_SRIOV = 0x0010;
const EXT_CAP_ARI = 0x000e;
const PCIE_CAP_AT = 0x40;
const MSIX_CAP_AT = 0x80;

export function buildConfigSpace(fn: PciFunction, multifunction: boolean): Buffer {
  const buf = Buffer.alloc(fn.pcie ? 4096 : 256);
  buf.writeUInt16LE(Number.parseInt(fn.vendorId, 16), 0x00);
  buf.writeUInt16LE(Number.parseInt(fn.deviceId, 16), 0x02);
  // Command: memory space + bus master once a driver owns the function.
  buf.writeUInt16LE(fn.driver ? 0x0406 : 0x0400, 0x04);
  const hasCaps = fn.pcie !== null || fn.msixVectors !== null;
  buf.writeUInt16LE(hasCaps ? 0x0010 : 0x0000, 0x06);
  buf.writeUInt8(Number.parseInt(fn.revision, 16), 0x08);
  const cls = Number.parseInt(fn.classCode, 16);
  buf.writeUInt8(cls & 0xff, 0x09);
  buf.writeUInt8((cls >> 8) & 0xff, 0x0a);
  buf.writeUInt8((cls >> 16) & 0xff, 0x0b);
  buf.writeUInt8((fn.bridge ? 0x01 : 0x00) | (multifunction ? 0x80 : 0), 0x0e);
  if (fn.bridge) {
    buf.writeUInt8(parseBdf(fn.bdf).bus, 0x18);
    buf.writeUInt8(fn.bridge.secondaryBus, 0x19);
    buf.writeUInt8(fn.bridge.subordinateBus, 0x1a);
  } else {
    buf.writeUInt16LE(Number.parseInt(fn.subsystemVendorId, 16), 0x2c);
    buf.writeUInt16LE(Number.parseInt(fn.subsystemDeviceId, 16), 0x2e);
    buf.writeUInt8(0x01, 0x3d); // INTA#
  }
  let next = 0;
  const caps: Array<() => void> = [];
  if (fn.pcie) caps.push(() => writePcieCap(buf, fn, next));
  if (fn.msixVectors !== null) caps.push(() => writeMsixCap(buf, fn, next));
  // Chain: PCIe at 0x40 -> MSI-X at 0x80.
  const offsets = [fn.pcie ? PCIE_CAP_AT : null, fn.msixVectors !== null ? MSIX_CAP_AT : null].filter((o): o is number => o !== null);
  if (offsets.length > 0) buf.writeUInt8(offsets[0]!, 0x34);
  caps.forEach((write, i) => {
    next = offsets[i + 1] ?? 0;
    write();
  });
  if (fn.pcie && fn.sriov) writeExtendedCaps(buf, fn);
  return buf;
}

function writePcieCap(buf: Buffer, fn: PciFunction, next: number): void {
  const at = PCIE_CAP_AT;
  buf.writeUInt8(CAP_PCIE, at);
  buf.writeUInt8(next, at + 1);
  buf.writeUInt16LE(0x0002 | (PORT_TYPE[fn.pcie!] << 4), at + 2); // capability version 2
  // Device capabilities: max payload 256 bytes, FLR for endpoints (VFs must support it).
  const isEndpoint = fn.pcie === "endpoint" || fn.pcie === "legacy-endpoint" || fn.pcie === "rc-endpoint";
  buf.writeUInt32LE(0x00000001 | (isEndpoint ? 1 << 28 : 0), at + 4);
  buf.writeUInt16LE(0x2810, at + 8); // devctl: relaxed ordering, MPS 128, MRRS 512
  if (fn.link) {
    const maxSpeed = SPEED_CODE[fn.link.maxSpeed ?? fn.link.speed] ?? 1;
    const maxWidth = fn.link.maxWidth ?? fn.link.width;
    buf.writeUInt32LE(maxSpeed | (maxWidth << 4), at + 0x0c);
    buf.writeUInt16LE((SPEED_CODE[fn.link.speed] ?? 1) | (fn.link.width << 4), at + 0x12);
  }
  // Device capabilities 2: ARI forwarding on downstream/root ports (needed for >8 functions).
  if (fn.pcie === "root-port" || fn.pcie === "downstream") buf.writeUInt32LE(1 << 5, at + 0x24);
}

function writeMsixCap(buf: Buffer, fn: PciFunction, next: number): void {
  const at = MSIX_CAP_AT;
  buf.writeUInt8(CAP_MSIX, at);
  buf.writeUInt8(next, at + 1);
  // Message control: table size N-1 in bits 10:0; enable (bit 15) when a driver uses it.
  buf.writeUInt16LE(((fn.msixVectors! - 1) & 0x7ff) | (fn.driver ? 0x8000 : 0), at + 2);
  buf.writeUInt32LE(0x00002000, at + 4); // table in BAR0 at 0x2000
  buf.writeUInt32LE(0x00003000, at + 8); // PBA in BAR0 at 0x3000
}

function writeExtendedCaps(buf: Buffer, fn: PciFunction): void {
  const s = fn.sriov!;
  const sriovAt = 0x100;
  const ariAt = 0x140;
  const header = (id: number, version: number, next: number) => (id | (version << 16) | (next << 20)) >>> 0;
  // Layout: 0x100 SR-IOV -> 0x140 ARI.
  buf.writeUInt32LE(header(EXT_CAP_SRIOV, 1, ariAt), sriovAt);
  buf.writeUInt32LE(0x00000000, sriovAt + 0x04); // SR-IOV capabilities
  // Control: VF Enable + VF MSE when VFs exist; ARI Capable Hierarchy.
  buf.writeUInt16LE((s.numVfs > 0 ? 0x0009 : 0) | 0x0010, sriovAt + 0x08);
  buf.writeUInt16LE(s.initialVfs, sriovAt + 0x0c);
  buf.writeUInt16LE(s.totalVfs, sriovAt + 0x0e);
  buf.writeUInt16LE(s.numVfs, sriovAt + 0x10);
  buf.writeUInt8(parseBdf(fn.bdf).devfn & 0xff, sriovAt + 0x12); // function dependency link
  buf.writeUInt16LE(s.offset, sriovAt + 0x14);
  buf.writeUInt16LE(s.stride, sriovAt + 0x16);
  buf.writeUInt16LE(Number.parseInt(s.vfDeviceId, 16), sriovAt + 0x1a);
  buf.writeUInt32LE(0x00000553, sriovAt + 0x1c); // supported page sizes
  buf.writeUInt32LE(0x00000001, sriovAt + 0x20); // system page size 4 KiB
  buf.writeUInt32LE(header(EXT_CAP_ARI, 1, 0), ariAt);
  buf.writeUInt16LE(0, ariAt + 4);
}
