import type { AuditRule } from "../types.ts";
import { couldNotTell, result, unreadSource } from "../rule-helpers.ts";

/**
 * vfio modules loaded or configured to load. Sources: seed 002 (Proxmox: /etc/modules
 * "vfio vfio_iommu_type1 vfio_pci"), DOMAIN.md (/sys/module/vfio_pci, /etc/modules).
 */
const VFIO_MODULES = ["vfio", "vfio_iommu_type1", "vfio_pci"] as const;

export const vfioModulesRule: AuditRule = {
  id: "modules.vfio",
  title: "vfio modules loaded or configured",
  layer: "modules",
  run({ inventory }) {
    const norm = (m: string) => m.replace(/-/g, "_");
    const loaded = new Set(inventory.host.modules.map(norm));
    const persistence = inventory.host.persistence;
    const configured = new Map<string, string>();
    for (const m of persistence?.modulesLoaded ?? []) configured.set(norm(m.module), m.source);
    // A device driven by vfio-pci proves the modules loaded (vfio_pci needs vfio and, for guests, vfio_iommu_type1).
    const onVfio = inventory.devices.filter((d) => d.driver === "vfio-pci").length;
    if (unreadSource(inventory, "/sys/module")) {
      if (onVfio > 0)
        return result("pass", [`/sys/module: not readable; ${onVfio} device(s) are driven by vfio-pci, so vfio_pci and vfio are loaded`]);
      return couldNotTell(["could not tell: /sys/module was not read and no device is on vfio-pci"]);
    }
    if (onVfio > 0 && !loaded.has("vfio_pci")) {
      return couldNotTell([
        `contradictory evidence: /sys/module lists no vfio_pci, but ${onVfio} device(s) are driven by vfio-pci (a partial or inconsistent capture?)`,
      ]);
    }
    const evidence: string[] = [];
    const missing: string[] = [];
    for (const m of VFIO_MODULES) {
      if (loaded.has(m)) evidence.push(`/sys/module/${m}: loaded`);
      else if (configured.has(m)) evidence.push(`/sys/module/${m}: not loaded; loads at boot (${configured.get(m)})`);
      else {
        evidence.push(`/sys/module/${m}: not loaded${persistence ? ", not in /etc/modules or /etc/modules-load.d" : ""}`);
        missing.push(m);
      }
    }
    if (missing.length === 0) return result("pass", evidence);
    if (!persistence)
      return couldNotTell([...evidence, `could not tell: /etc was not read, so whether ${missing.join(", ")} load at boot is unknown`]);
    return result(
      "fail",
      evidence,
      `printf '%s\\n' ${VFIO_MODULES.join(" ")} > /etc/modules-load.d/vfio.conf && modprobe -a ${missing.join(" ")}`,
    );
  },
};
