import type { Inventory } from "@vfleet/protocol";
import { cmdlineArgs, unreadSource } from "./rule-helpers.ts";

export interface IommuState {
  state: "on" | "off" | "unknown";
  /** One line naming what decided it (only sources the scan read), for every rule that depends on it. */
  evidence: string;
}

/** Where the scan found the IOMMU units: /sys/class/iommu, or /sys/devices when /sys/class was not captured. */
export function describeIommuUnits(inventory: Inventory): string {
  const { units } = inventory.host.iommu;
  const list = units.length > 0 ? units.join(", ") : "none";
  if (!unreadSource(inventory, "/sys/class/iommu")) return `/sys/class/iommu: ${list}`;
  return `IOMMU units under /sys/devices (/sys/devices/virtual/iommu and the devices' iommu links; /sys/class/iommu was not read): ${list}`;
}

/** Where the groups' members were read: the kernel's list, or each device's own iommu_group link. */
export const describeGroupsSource = (inventory: Inventory): string =>
  unreadSource(inventory, "/sys/kernel/iommu_groups")
    ? "the devices' iommu_group links; /sys/kernel/iommu_groups was not read"
    : "/sys/kernel/iommu_groups/*/devices";

/**
 * Whether the IOMMU is on. Groups prove it on; an empty /sys/kernel/iommu_groups that was read
 * proves it off. Without that directory absence proves nothing: registered IOMMU units (the
 * kernel's VT-d / AMD-Vi driver adds them to sysfs only once it translates DMA), or the command
 * line asking for it while /proc/interrupts shows remapped (IR-) interrupt chips, say it is on;
 * anything less is "could not tell", never "off".
 */
export function readIommuState(inventory: Inventory): IommuState {
  const { iommu, kernelCmdline } = inventory.host;
  const groupsUnread = unreadSource(inventory, "/sys/kernel/iommu_groups");
  if (iommu.groups > 0)
    return {
      state: "on",
      evidence: groupsUnread
        ? `/sys/kernel/iommu_groups: not read; ${iommu.groups} group(s) named by the devices' iommu_group links`
        : `/sys/kernel/iommu_groups: ${iommu.groups} group(s)`,
    };
  if (!groupsUnread) return { state: "off", evidence: "/sys/kernel/iommu_groups: no groups (the IOMMU is off)" };
  if (iommu.units.length > 0)
    return {
      state: "on",
      evidence: `/sys/kernel/iommu_groups: not read; the IOMMU is on: the kernel registered its units (${describeIommuUnits(inventory)})`,
    };
  const asked = !unreadSource(inventory, "/proc/cmdline") && cmdlineArgs(kernelCmdline).get("intel_iommu")?.split(",").includes("on");
  if (asked && iommu.interruptRemapping === true)
    return {
      state: "on",
      evidence:
        "/sys/kernel/iommu_groups: not read; the IOMMU is on: /proc/cmdline has intel_iommu=on and /proc/interrupts shows IR- (remapped) interrupt chips",
    };
  return {
    state: "unknown",
    evidence:
      "could not tell whether the IOMMU is on: /sys/kernel/iommu_groups was not read, no device links to a group and no IOMMU unit was found",
  };
}
