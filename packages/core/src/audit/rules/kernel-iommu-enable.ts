import type { AuditRule } from "../types.ts";
import { cmdlineArgs, couldNotTell, result, unreadSource } from "../rule-helpers.ts";

/**
 * The kernel turns the IOMMU on. Sources: seed 002 (Proxmox: intel_iommu=on for Intel on kernels
 * before 5.15; AMD on by default), seed 000 (intel_iommu=on on the DGX-2), kernel-parameters.txt
 * (intel_iommu=off / amd_iommu=off disable it).
 */
export const kernelIommuEnableRule: AuditRule = {
  id: "kernel.iommu-enable",
  title: "IOMMU enabled by the kernel command line (intel_iommu=on / amd_iommu)",
  layer: "kernel",
  run({ inventory }) {
    const { kernelCmdline, cpuVendor, iommu, kernelRelease } = inventory.host;
    const args = cmdlineArgs(kernelCmdline);
    const intel = args.get("intel_iommu");
    const amd = args.get("amd_iommu");
    const shown = [...args].filter(([k]) => /iommu/.test(k)).map(([k, v]) => (v ? `${k}=${v}` : k));
    const evidence = [
      `/proc/cmdline: ${shown.length > 0 ? shown.join(" ") : "no iommu arguments"}`,
      `cpu vendor (/proc/cpuinfo): ${cpuVendor ?? "unknown"}`,
    ];
    if (kernelRelease) evidence.push(`kernel release: ${kernelRelease}`);
    if (unreadSource(inventory, "/proc/cmdline")) {
      // Groups existing prove the IOMMU on whatever the command line says; their absence proves nothing without it.
      if (iommu.enabled) return result("pass", [`could not read /proc/cmdline, but ${iommu.groups} IOMMU groups exist: the IOMMU is on`]);
      return couldNotTell(["could not tell: /proc/cmdline was not read and no IOMMU groups were seen"]);
    }
    const grub = (arg: string) =>
      `Add ${arg} to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub (or grub2-mkconfig -o /boot/grub2/grub.cfg), reboot.`;

    if (cpuVendor === "intel") {
      if (intel?.split(",").includes("off"))
        return result("fail", [...evidence, "intel_iommu=off disables VT-d"], grub("intel_iommu=on (replacing intel_iommu=off)"));
      if (intel?.split(",").includes("on")) return result("pass", evidence);
      if (iommu.enabled)
        return result("pass", [...evidence, "no intel_iommu=on, but IOMMU groups exist (kernel built with VT-d on by default)"]);
      return result("fail", [...evidence, "no intel_iommu=on and no IOMMU groups"], grub("intel_iommu=on"));
    }
    if (cpuVendor === "amd") {
      if (amd === "off")
        return result(
          "fail",
          [...evidence, "amd_iommu=off disables AMD-Vi"],
          "Remove amd_iommu=off from GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub, reboot.",
        );
      return result("pass", [...evidence, "AMD-Vi needs no kernel argument (on by default); whether it is on shows in iommu.groups"]);
    }
    return result("not-applicable", [...evidence, "CPU vendor unknown: no vendor-specific IOMMU argument to check"]);
  },
};
