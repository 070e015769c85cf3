import type { AuditRule } from "../types.ts";
import { cmdlineArgs, result } from "../rule-helpers.ts";

/**
 * iommu=pt: host DMA bypasses translation, guests keep full isolation. Sources: seed 002
 * (Proxmox "IOMMU Passthrough Mode"), seed 000 (iommu=pt on the DGX-2), DOMAIN.md.
 */
export const kernelIommuPtRule: AuditRule = {
  id: "kernel.iommu-pt",
  title: "IOMMU passthrough mode for host DMA (iommu=pt)",
  layer: "kernel",
  run({ inventory }) {
    const args = cmdlineArgs(inventory.host.kernelCmdline);
    const iommu = args.get("iommu");
    const evidence = [`/proc/cmdline: ${iommu === undefined ? "no iommu= argument" : `iommu=${iommu}`}`];
    if (iommu === "pt" || args.get("intel_iommu")?.split(",").includes("pt") || args.get("amd_iommu") === "pt") return result("pass", evidence);
    return result(
      "warn",
      [...evidence, "host devices' DMA goes through IOMMU translation: extra overhead on the host, no gain for guests"],
      "Add iommu=pt to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub, reboot.",
    );
  },
};
