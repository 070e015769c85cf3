/** Short names for the PCI classes an operator meets in IOMMU groups (class+subclass, 4 hex digits). */
const NAMES: Record<string, string> = {
  "0100": "SCSI controller",
  "0104": "RAID controller",
  "0106": "SATA controller",
  "0108": "NVMe controller",
  "0200": "Ethernet controller",
  "0207": "InfiniBand controller",
  "0280": "Network controller",
  "0300": "VGA controller",
  "0302": "3D controller",
  "0380": "Display controller",
  "0403": "Audio device",
  "0580": "Memory controller",
  "0600": "Host bridge",
  "0601": "ISA bridge",
  "0604": "PCI bridge",
  "0680": "Bridge",
  "0880": "System peripheral",
  "0c03": "USB controller",
  "0c05": "SMBus",
  "1200": "Accelerator",
};

export function pciClassName(classCode: string): string {
  return NAMES[classCode.slice(0, 4)] ?? `class ${classCode}`;
}

/** Bridges may share a group with endpoints without breaking assignment (DOMAIN.md). */
export function isBridge(classCode: string): boolean {
  return classCode.startsWith("06");
}
