import type { PciDevice } from "@vfleet/protocol";
import type { AuditStatus, RuleResult } from "./types.ts";

export const result = (status: AuditStatus, evidence: string[], remediation: string | null = null): RuleResult => ({
  status,
  evidence,
  remediation,
});

export const notApplicable = (why: string): RuleResult => result("not-applicable", [why]);
/** "Could not tell": name what was missing or which evidence contradicts which; never a pass or a fail. */
export const couldNotTell = (evidence: string[]): RuleResult => result("unknown", evidence);
/** Whether the scan could not read a source (`/proc/cmdline`, `/sys/module`, `/etc`...). */
export const unreadSource = (inventory: { host: { unread?: string[] } }, source: string): boolean =>
  inventory.host.unread?.includes(source) ?? false;

/** A netdev's sysfs directory as the scan read it: /sys/class/net, or its PCI function's `net/` without /sys/class. */
export const netdevPath = (inventory: { host: { unread?: string[] } }, name: string, pciAddress: string | null): string =>
  unreadSource(inventory, "/sys/class/net") && pciAddress ? `/sys/bus/pci/devices/${pciAddress}/net/${name}` : `/sys/class/net/${name}`;

/** Keep evidence readable on a 160-VF host: the first `max` lines and a count of the rest. */
export function capLines(lines: string[], max = 12): string[] {
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max), `... and ${lines.length - max} more`];
}

/** `/proc/cmdline` as key -> value ("" for bare flags); later duplicates win, as in the kernel. */
export function cmdlineArgs(cmdline: string): Map<string, string> {
  const args = new Map<string, string>();
  for (const token of cmdline.split(/\s+/)) {
    if (token === "") continue;
    if (token === "--") break; // what follows goes to init, not the kernel
    const eq = token.indexOf("=");
    args.set(eq < 0 ? token : token.slice(0, eq), eq < 0 ? "" : token.slice(eq + 1));
  }
  return args;
}

export { isBridge } from "../pci/iommu-group.ts";

/** `0000:86:00.2 (15b3:1018, vfio-pci)` */
const describeDevice = (d: PciDevice): string => `${d.address} (${d.vendorId}:${d.deviceId}, ${d.driver ?? "no driver"})`;

/** The slot part `DDDD:BB:SS` of a BDF: functions of one slot share a group by nature, not for lack of ACS. */
export const slotOf = (address: string): string => address.slice(0, address.lastIndexOf("."));

/** `virsh nodedev-*` name of a PCI address. */
export const nodedevName = (address: string): string => `pci_${address.replace(/[:.]/g, "_")}`;

const isVfioLike = (driver: string | null): boolean => driver === null || driver === "vfio-pci" || driver === "pci-stub";
