import path from "node:path";
import type { DeviceFacts } from "@vfleet/core";
import { scanHost } from "./index.ts";
import { readGuests } from "./read-guests.ts";
import { parseDefaultRoute } from "./read-host-facts.ts";
import { readInterface } from "./read-interfaces.ts";
import { readPciDevice, type RawPciDevice } from "./read-pci-devices.ts";
import { listDir, readText } from "./read-sysfs.ts";

export type DeviceViewOptions = {
  /** Also the VFs of every PF named (a VF count change destroys them all). */
  withVfs?: boolean;
  /** Also libvirt's guest definitions (who holds which device). */
  withGuests?: boolean;
};

/**
 * What a job's safety checks read about `addresses`, read fresh from the host: those devices (and
 * their VFs with `withVfs`), every member of their IOMMU groups, the interfaces on all of them and
 * the VLAN interfaces named after those (`<if>.<id>`), the default route, and the guests with
 * `withGuests`. The full scan's own readers, so each fact is what a scan would say; the cost
 * follows the job, not the host (binding one VF of a DGX-2 reads a few dozen files, a scan
 * thousands). An address the host lacks is simply not listed, as in a scan.
 *
 * A group's members come from the kernel's `iommu_groups/<N>/devices`; where that list is missing
 * (a partial capture) they can only be found by reading every device, so that case is a full scan.
 */
export async function readDeviceView(root: string, addresses: readonly string[], options: DeviceViewOptions = {}): Promise<DeviceFacts> {
  const devices = new Map<string, RawPciDevice>();
  const read = async (bdfs: readonly string[]): Promise<RawPciDevice[]> => {
    const fresh = [...new Set(bdfs)].filter((b) => !devices.has(b));
    const got = (await Promise.all(fresh.map((b) => readPciDevice(root, b)))).filter((d) => d !== null);
    for (const d of got) devices.set(d.address, d);
    return got;
  };
  const named = await read(addresses);
  if (options.withVfs) await read(named.flatMap((d) => d.sriov?.vfs ?? []));

  const groupIds = [...new Set([...devices.values()].flatMap((d) => (d.iommuGroup === null ? [] : [d.iommuGroup])))];
  const groupDir = (id: number) => path.join(root, "sys/kernel/iommu_groups", String(id), "devices");
  const iommuGroups = await Promise.all(groupIds.map(async (id) => ({ id, devices: (await listDir(groupDir(id))).sort() })));
  if (iommuGroups.some((g) => g.devices.length === 0)) return scanHost(root);
  await read(iommuGroups.flatMap((g) => g.devices));

  // VF indexes where the PF is in view (the scan fills them the same way).
  for (const pf of devices.values())
    pf.sriov?.vfs.forEach((vf, i) => {
      const d = devices.get(vf);
      if (d) d.vfIndex = i;
    });

  const netdevs = new Set([...devices.values()].flatMap((d) => d.netInterfaces));
  const stacked =
    netdevs.size === 0
      ? []
      : (await listDir(path.join(root, "sys/class/net"))).filter((n) => [...netdevs].some((p) => n.startsWith(`${p}.`)));
  const [interfaces, route, guests] = await Promise.all([
    Promise.all([...new Set([...netdevs, ...stacked])].sort().map((name) => readInterface(root, name))),
    readText(path.join(root, "proc/net/route")),
    options.withGuests ? readGuests(root) : Promise.resolve([]),
  ]);
  return {
    host: { defaultRouteInterface: parseDefaultRoute(route) },
    devices: [...devices.values()].sort((a, b) => a.address.localeCompare(b.address)) as DeviceFacts["devices"],
    iommuGroups: iommuGroups.sort((a, b) => a.id - b.id),
    interfaces,
    guests,
  };
}
