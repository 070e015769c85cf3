import type { Inventory } from "@vfleet/protocol";
import { PERSIST_FILE_PATHS } from "../jobs/render-persist-files.ts";

/**
 * The job that carries out a check's remediation, as the host page's change form fields (strings,
 * as typed), or null when no job kind does it (BIOS, kernel arguments, guest sizing are the
 * operator's to change). The operator still previews and confirms it.
 */
export interface FixJob {
  kind: "host.persist";
  fields: Record<string, string>;
}

const PERSISTENCE_CHECKS = new Set(["persistence.vf-count", "persistence.vfio-binding"]);

/**
 * Persistence checks: one `host.persist` that makes what is live now survive a reboot. It writes
 * vfleet's own files whole, so the fields hold the full wanted state: every PF's current VF count
 * (by interface name) and the vfio-pci ids vfleet's file already lists plus those of guest devices
 * with managed='no' that nothing binds at boot.
 */
export function fixJobForCheck(checkId: string, inventory: Inventory): FixJob | null {
  if (!PERSISTENCE_CHECKS.has(checkId)) return null;
  const persistence = inventory.host.persistence;
  if (!persistence) return null;
  const vfCounts = inventory.devices
    .filter((d) => d.sriov && d.sriov.numVfs > 0 && d.netInterfaces[0])
    .map((d) => `${d.netInterfaces[0]}=${d.sriov!.numVfs}`);
  const ids = new Set(
    persistence.vfioPciIds
      .filter((e) => e.source.endsWith(PERSIST_FILE_PATHS.vfioIds.split("/").pop()!))
      .flatMap((e) => e.ids.map((id) => id.toLowerCase())),
  );
  const bound = new Set(persistence.vfioPciIds.flatMap((e) => e.ids.map((id) => id.toLowerCase())));
  const overridden = new Set(persistence.driverOverrides.filter((o) => o.driver === "vfio-pci").map((o) => o.address));
  const byAddress = new Map(inventory.devices.map((d) => [d.address, d] as const));
  for (const g of inventory.guests) {
    for (const h of g.hostdevs) {
      const d = byAddress.get(h.address);
      if (h.managed || !d || overridden.has(h.address)) continue;
      const id = `${d.vendorId}:${d.deviceId}`;
      if (!bound.has(id)) ids.add(id);
    }
  }
  const method = persistence.vfCounts.some((e) => e.source.endsWith(PERSIST_FILE_PATHS.udev.split("/").pop()!)) ? "udev" : "sysfsd";
  return { kind: "host.persist", fields: { vfCounts: vfCounts.join("\n"), vfioIds: [...ids].sort().join("\n"), method } };
}
