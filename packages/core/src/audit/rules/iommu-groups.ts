import type { AuditRule } from "../types.ts";
import { couldNotTell, result, unreadSource } from "../rule-helpers.ts";

/**
 * IOMMU groups exist. Source: DOMAIN.md and seed 002 (Proxmox: "find /sys/kernel/iommu_groups/
 * -type l"); the VFIO docs: no groups means no IOMMU, so nothing can be assigned.
 */
export const iommuGroupsRule: AuditRule = {
  id: "iommu.groups",
  title: "IOMMU on (groups present)",
  layer: "firmware",
  run({ inventory }) {
    const { iommu, cpuVendor } = inventory.host;
    const units = iommu.units.length > 0 ? iommu.units.join(", ") : "none";
    const evidence = [`/sys/kernel/iommu_groups: ${iommu.groups} group(s)`, `/sys/class/iommu: ${units}`];
    if (unreadSource(inventory, "/sys/kernel/iommu_groups")) {
      // The scan took the groups from the devices' iommu_group links instead.
      if (iommu.groups > 0)
        return result("pass", [
          `/sys/kernel/iommu_groups: not readable; ${iommu.groups} group(s) named by the devices' iommu_group links`,
          evidence[1]!,
        ]);
      return couldNotTell(["could not tell: /sys/kernel/iommu_groups was not read and no device links to a group", evidence[1]!]);
    }
    if (iommu.enabled && iommu.groups > 0) return result("pass", evidence);
    const fw = cpuVendor === "amd" ? "AMD-Vi / IOMMU (SVM alone is not enough)" : "VT-d (Intel Virtualization Technology for Directed I/O)";
    const arg =
      cpuVendor === "amd"
        ? ""
        : " and add intel_iommu=on to the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub and reboot)";
    return result(
      "fail",
      [...evidence, "no IOMMU groups: the IOMMU is off, no device can be assigned to a guest"],
      `Enable ${fw} in the BIOS/UEFI setup${arg}.`,
    );
  },
};
