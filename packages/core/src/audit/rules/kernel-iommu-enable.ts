import type { Inventory } from "@vfleet/protocol";
import type { AuditRule } from "../types.ts";
import { readIommuState } from "../iommu-state.ts";
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
    const { kernelCmdline, kernelRelease } = inventory.host;
    const iommu = readIommuState(inventory);
    const args = cmdlineArgs(kernelCmdline);
    const intel = args.get("intel_iommu");
    const amd = args.get("amd_iommu");
    const shown = [...args].filter(([k]) => /iommu/.test(k)).map(([k, v]) => (v ? `${k}=${v}` : k));
    const vendor = readCpuVendor(inventory);
    const cpuVendor = vendor.vendor;
    const evidence = [`/proc/cmdline: ${shown.length > 0 ? shown.join(" ") : "no iommu arguments"}`, vendor.evidence];
    if (kernelRelease) evidence.push(`kernel release: ${kernelRelease}`);
    if (unreadSource(inventory, "/proc/cmdline")) {
      // The IOMMU seen on proves it on whatever the command line says; its absence proves nothing without it.
      if (iommu.state === "on") return result("pass", [`could not read /proc/cmdline, but the IOMMU is on (${iommu.evidence})`]);
      return couldNotTell([`could not tell: /proc/cmdline was not read and the IOMMU was not seen on (${iommu.evidence})`]);
    }
    const grub = (arg: string) =>
      `Add ${arg} to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub (or grub2-mkconfig -o /boot/grub2/grub.cfg), reboot.`;

    if (cpuVendor === "intel") {
      if (intel?.split(",").includes("off"))
        return result("fail", [...evidence, "intel_iommu=off disables VT-d"], grub("intel_iommu=on (replacing intel_iommu=off)"));
      if (intel?.split(",").includes("on")) return result("pass", evidence);
      if (iommu.state === "on")
        return result("pass", [
          ...evidence,
          `no intel_iommu=on, but the IOMMU is on (kernel built with VT-d on by default): ${iommu.evidence}`,
        ]);
      if (iommu.state === "unknown") return couldNotTell([...evidence, `no intel_iommu=on; ${iommu.evidence}`]);
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
    if (unreadSource(inventory, "/proc/cpuinfo")) return couldNotTell([...evidence, "could not tell which IOMMU argument applies"]);
    return result("not-applicable", [...evidence, "CPU vendor unknown: no vendor-specific IOMMU argument to check"]);
  },
};

/** The CPU vendor from /proc/cpuinfo; without it, the IOMMU units name it (dmar: Intel VT-d, ivhd: AMD-Vi). */
function readCpuVendor(inventory: Inventory): { vendor: Inventory["host"]["cpuVendor"]; evidence: string } {
  const { cpuVendor, iommu } = inventory.host;
  if (!unreadSource(inventory, "/proc/cpuinfo"))
    return { vendor: cpuVendor, evidence: `cpu vendor (/proc/cpuinfo): ${cpuVendor ?? "unknown"}` };
  const unitVendor = iommu.units.some((u) => u.startsWith("dmar")) ? "intel" : iommu.units.some((u) => u.startsWith("ivhd")) ? "amd" : null;
  return unitVendor
    ? {
        vendor: unitVendor,
        evidence: `cpu vendor: ${unitVendor}, from its IOMMU units (${iommu.units.join(", ")}; /proc/cpuinfo was not read)`,
      }
    : { vendor: null, evidence: "cpu vendor: unknown (/proc/cpuinfo was not read)" };
}
