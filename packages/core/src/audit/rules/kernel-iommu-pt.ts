import type { AuditRule } from "../types.ts";
import { readIommuState } from "../iommu-state.ts";
import { cmdlineArgs, couldNotTell, notApplicable, result, unreadSource } from "../rule-helpers.ts";

/**
 * iommu=pt: host DMA bypasses translation, guests keep full isolation. Sources: seed 002
 * (Proxmox "IOMMU Passthrough Mode"), seed 000 (iommu=pt on the DGX-2), DOMAIN.md.
 */
export const kernelIommuPtRule: AuditRule = {
  id: "kernel.iommu-pt",
  title: "IOMMU passthrough mode for host DMA (iommu=pt)",
  layer: "kernel",
  run({ inventory }) {
    if (unreadSource(inventory, "/proc/cmdline"))
      return couldNotTell(["could not tell: /proc/cmdline was not read, so whether iommu=pt is set is unknown"]);
    const args = cmdlineArgs(inventory.host.kernelCmdline);
    const iommu = args.get("iommu");
    const evidence = [`/proc/cmdline: ${iommu === undefined ? "no iommu= argument" : `iommu=${iommu}`}`];
    // With the IOMMU off nothing is translated: iommu=pt has nothing to change yet.
    const state = readIommuState(inventory);
    if (state.state === "off")
      return notApplicable(`${state.evidence}: host DMA is not translated; turn the IOMMU on first (kernel.iommu-enable)`);
    if (state.state === "unknown") return couldNotTell([...evidence, state.evidence]);
    if (iommu === "pt" || args.get("intel_iommu")?.split(",").includes("pt") || args.get("amd_iommu") === "pt")
      return result("pass", evidence);
    return result(
      "warn",
      [...evidence, "host devices' DMA goes through IOMMU translation: extra overhead on the host, no gain for guests"],
      "Add iommu=pt to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub, reboot.",
    );
  },
};
