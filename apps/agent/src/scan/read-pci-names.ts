import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { PciDevice, PciNames } from "@vfleet/protocol";
import { extractPciNames, wantedPciIds } from "./extract-pci-names.ts";

/** Where distributions put the PCI ID database lspci reads: Debian/Ubuntu, then RHEL/SUSE (hwdata). */
const PCI_IDS_PATHS = ["usr/share/misc/pci.ids", "usr/share/hwdata/pci.ids", "usr/share/pci.ids"];

/**
 * The file is ~1.3 MB and the agent scans every second or two: pick names again only when the
 * file or the set of ids on the host changes (per root, so simulated hosts keep their own).
 */
const cache = new Map<string, { key: string; names: PciNames }>();

export async function readPciNames(root: string, devices: readonly PciDevice[]): Promise<PciNames | undefined> {
  for (const rel of PCI_IDS_PATHS) {
    const file = path.join(root, rel);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) continue;
    const wanted = wantedPciIds(devices);
    const key = `${file}|${info.mtimeMs}|${info.size}|${[...wanted.devices, ...wanted.subsystems, ...wanted.classes].sort().join(",")}`;
    const hit = cache.get(root);
    if (hit?.key === key) return hit.names;
    const names = extractPciNames(await readFile(file, "utf8"), wanted, `/${rel}`);
    cache.set(root, { key, names });
    return names;
  }
  return undefined;
}
