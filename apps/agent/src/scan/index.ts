import path from "node:path";
import { readIommuState } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import { readGuests } from "./read-guests.ts";
import { readHostFacts, readIntelEcaps, readIommuGroups, readIommuUnits } from "./read-host-facts.ts";
import { readInterfaces } from "./read-interfaces.ts";
import { readMdevs } from "./read-mdevs.ts";
import { defaultReadLinkDetails, type ReadLinkDetails } from "./read-link-details.ts";
import { parseVfinfoList } from "./parse-vfinfo-list.ts";
import { readPciDevices } from "./read-pci-devices.ts";
import { readPciNames } from "./read-pci-names.ts";
import { readPersistence } from "./read-persistence.ts";
import { exists } from "./read-sysfs.ts";

export type { ReadLinkDetails } from "./read-link-details.ts";

export interface ScanOptions {
  /** Source of VF MAC/VLAN/trust settings (netlink); default: `ip` at "/", simulator JSON elsewhere. */
  readLinkDetails?: ReadLinkDetails;
  /** Called for a libvirt definition that does not parse (it is left out of `guests`). */
  onGuestError?: (file: string, err: unknown) => void;
}

/**
 * Read a host's inventory from a sysfs/procfs root ("/" for this machine, or a simulator
 * tree). Pure reading: no writes; the only process it may start is `ip link show` (read-only)
 * for PFs' VF settings at the real root.
 */
export async function scanHost(root = "/", options: ScanOptions = {}): Promise<Inventory> {
  const readLinkDetails = options.readLinkDetails ?? defaultReadLinkDetails(root);
  const devicesAndGroups = readPciDevices(root).then(async (devices) => {
    const [iommuGroups, units] = await Promise.all([
      readIommuGroups(root, devices),
      readIommuUnits(
        root,
        devices.map((d) => d.address),
      ),
    ]);
    return { devices, iommuGroups, units, ecap: await readIntelEcaps(root, units) };
  });
  const [{ devices, iommuGroups, units, ecap }, interfaces, guests, host, persistence, unread] = await Promise.all([
    devicesAndGroups,
    readInterfaces(root),
    readGuests(root, options.onGuestError),
    readHostFacts(root),
    readPersistence(root),
    findUnread(root),
  ]);
  // Without /etc the boot config is unknown, not empty.
  if (!unread.includes("/etc")) host.persistence = persistence;
  if (unread.length > 0) host.unread = unread;
  const pciNames = await readPciNames(root, devices);
  if (pciNames) host.pciNames = pciNames;
  host.iommu.groups = iommuGroups.length;
  host.mdevs = await readMdevs(root, guests);
  host.iommu.units = units;
  if (ecap.length > 0) host.iommu.ecap = ecap;
  // Groups existing say the IOMMU is on (not the command line alone); without /sys/kernel/iommu_groups,
  // its registered units or the command line with remapped interrupt chips do. Unknown stays false,
  // with the groups listed in `unread`: the audit says "could not tell", never "off".
  host.iommu.enabled = readIommuState({ host, devices, iommuGroups, interfaces, guests }).state === "on";
  // VF settings come from the PF's netdev; PFs without VFs or netdevs have none to read.
  await Promise.all(
    devices.map(async (d) => {
      const pfIf = d.netInterfaces[0];
      if (!d.sriov || d.sriov.numVfs === 0 || !pfIf) return;
      d.sriov.vfConfigs = parseVfinfoList(await readLinkDetails(pfIf));
    }),
  );
  return { host, devices, iommuGroups, interfaces, guests };
}

/**
 * Sources whose absence turns a fact into "unknown" rather than "none": a capture (sosreport) or a
 * container with partial mounts lacks some. The audit says "could not tell" for what they feed.
 * /sys/class/* only link into /sys/devices: without them the scan still finds IOMMU units and
 * netdevs there, and lists them so the audit can say where its evidence came from.
 */
export const SCAN_SOURCES = [
  "/proc/cmdline",
  "/proc/interrupts",
  "/proc/cpuinfo",
  "/proc/meminfo",
  "/proc/net/route",
  "/sys/module",
  "/etc",
  "/sys/kernel/iommu_groups",
  "/sys/class/iommu",
  "/sys/class/net",
] as const;

async function findUnread(root: string): Promise<string[]> {
  const present = await Promise.all(SCAN_SOURCES.map((s) => exists(path.join(root, s))));
  return SCAN_SOURCES.filter((_, i) => !present[i]);
}
