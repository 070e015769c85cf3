import type { AuditRule } from "../types.ts";
import { describeIommuUnits, readIommuState } from "../iommu-state.ts";
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
    const units = describeIommuUnits(inventory);
    const evidence = [`/sys/kernel/iommu_groups: ${iommu.groups} group(s)`, units];
    if (unreadSource(inventory, "/sys/kernel/iommu_groups")) {
      // The scan took the groups from the devices' iommu_group links, or the units say the IOMMU is on.
      const state = readIommuState(inventory);
      if (state.state === "on") return result("pass", [state.evidence, units]);
      return couldNotTell([state.evidence, units]);
    }
    if (iommu.groups > 0) return result("pass", evidence);
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
