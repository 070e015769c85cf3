import { readlink } from "node:fs/promises";
import path from "node:path";
import { INVENTORY_LIMITS, type PciDevice, type PciLink } from "@vfleet/protocol";
import { parseAerTotal } from "./parse-aer-stats.ts";
import { parseMsixVectors } from "./parse-msix-vectors.ts";
import { readMdevTypes } from "./read-mdevs.ts";
import { hexAttr, intAttr, listDir, readBytes, readLinkName, readText } from "./read-sysfs.ts";

const BDF_RE = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/;

/** A device as read, before VF indexes and netlink VF settings are joined in. */
export type RawPciDevice = Omit<PciDevice, "vfIndex"> & { vfIndex: number | null };

const AER_FILES = ["aer_dev_correctable", "aer_dev_nonfatal", "aer_dev_fatal"] as const;

/**
 * The device's AER totals. The kernel shows the three files only on AER-capable devices with its
 * AER driver enabled: none of them is null (could not tell), one missing is that counter null.
 */
async function readAer(dir: string, names: Set<string>): Promise<PciDevice["aer"]> {
  if (!AER_FILES.some((n) => names.has(n))) return null;
  const [cor, nonfatal, fatal] = await Promise.all(
    AER_FILES.map((n) => (names.has(n) ? readText(path.join(dir, n)) : Promise.resolve(null))),
  );
  return {
    correctable: parseAerTotal(cor ?? null, "COR"),
    nonfatal: parseAerTotal(nonfatal ?? null, "NONFATAL"),
    fatal: parseAerTotal(fatal ?? null, "FATAL"),
  };
}

async function readLink(dir: string, names: Set<string>): Promise<PciLink | null> {
  if (!names.has("current_link_speed") && !names.has("max_link_speed")) return null;
  const [cs, cw, ms, mw] = await Promise.all(
    ["current_link_speed", "current_link_width", "max_link_speed", "max_link_width"].map((n) =>
      names.has(n) ? readText(path.join(dir, n)) : Promise.resolve(null),
    ),
  );
  // The kernel prints "Unknown" for links it cannot tell (e.g. VFs on some drivers).
  const speed = (s: string | null) => (s && !/^unknown/i.test(s) ? s : null);
  // PCIe links are x1..x32. Debian's 6.1 printed max_link_width 255 for QEMU 10's igb (with max_link_speed
  // "Unknown"): not a width but could not tell, and sending it would get the whole snapshot refused.
  const width = (s: string | null) => {
    const n = intAttr(s);
    return n !== null && n <= INVENTORY_LIMITS.linkWidth ? n : null;
  };
  return { currentSpeed: speed(cs ?? null), currentWidth: width(cw ?? null), maxSpeed: speed(ms ?? null), maxWidth: width(mw ?? null) };
}

/**
 * The bridges above a function, root port first: the BDFs in its `/sys/bus/pci/devices/<bdf>` link
 * (`../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0`) before its own. The kernel nests each
 * function under its upstream bridge, and VFs beside their PF, so this is the PCIe path a GPU and a
 * NIC compare to tell whether they share a switch. Null when the link cannot be read.
 */
async function readPciPath(devicesDir: string, bdf: string): Promise<string[] | null> {
  try {
    const parts = (await readlink(path.join(devicesDir, bdf))).split("/");
    if (parts.at(-1) !== bdf) return null;
    return parts.slice(0, -1).filter((p) => BDF_RE.test(p));
  } catch {
    return null;
  }
}

/** One function: list its directory once, then read only the attributes it has, in parallel. */
async function readDevice(devicesDir: string, bdf: string, listed?: string[]): Promise<RawPciDevice> {
  const dir = path.join(devicesDir, bdf);
  const names = new Set(listed ?? (await listDir(dir)));
  const text = (n: string) => (names.has(n) ? readText(path.join(dir, n)) : Promise.resolve(null));
  const link = (n: string) => (names.has(n) ? readLinkName(path.join(dir, n)) : Promise.resolve(null));
  const virtfns = [...names].filter((n) => /^virtfn\d+$/.test(n)).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
  const [
    vendor,
    device,
    subVendor,
    subDevice,
    cls,
    revision,
    driver,
    override,
    group,
    numa,
    physfn,
    config,
    linkInfo,
    netNames,
    vfs,
    sriovAttrs,
    pciPath,
    mdevTypes,
    aer,
  ] = await Promise.all([
    text("vendor"),
    text("device"),
    text("subsystem_vendor"),
    text("subsystem_device"),
    text("class"),
    text("revision"),
    link("driver"),
    text("driver_override"),
    link("iommu_group"),
    text("numa_node"),
    link("physfn"),
    names.has("config") ? readBytes(path.join(dir, "config")) : null,
    readLink(dir, names),
    readNetNames(dir, names),
    Promise.all(virtfns.map((v) => readLinkName(path.join(dir, v)))),
    names.has("sriov_totalvfs")
      ? Promise.all(
          ["sriov_totalvfs", "sriov_numvfs", "sriov_vf_device", "sriov_offset", "sriov_stride", "sriov_drivers_autoprobe"].map(text),
        )
      : null,
    readPciPath(devicesDir, bdf),
    readMdevTypes(dir, names),
    readAer(dir, names),
  ]);
  const vendorId = hexAttr(vendor, 4);
  const deviceId = hexAttr(device, 4);
  const classCode = hexAttr(cls, 6);
  if (!vendorId || !deviceId || !classCode) throw new Error(`${dir}: unreadable vendor/device/class (${vendor}/${device}/${cls})`);
  const numaNode = intAttr(numa);
  const groupId = intAttr(group);
  let sriov: PciDevice["sriov"] = null;
  if (sriovAttrs) {
    const [total = null, num = null, vfDevice = null, offset = null, stride = null, autoprobe = null] = sriovAttrs;
    sriov = {
      totalVfs: intAttr(total) ?? 0,
      numVfs: intAttr(num) ?? 0,
      vfs: vfs.filter((v): v is string => v !== null && BDF_RE.test(v)),
      vfDeviceId: hexAttr(vfDevice, 4),
      offset: intAttr(offset),
      stride: intAttr(stride),
      driversAutoprobe: autoprobe === null ? null : autoprobe === "1",
      vfConfigs: [],
    };
  }
  return {
    address: bdf,
    vendorId,
    deviceId,
    subsystemVendorId: hexAttr(subVendor, 4),
    subsystemDeviceId: hexAttr(subDevice, 4),
    classCode,
    revision: hexAttr(revision, 2),
    driver,
    // The kernel shows "(null)" when no override is set.
    driverOverride: override && override !== "(null)" ? override : null,
    iommuGroup: groupId !== null && groupId >= 0 ? groupId : null,
    // -1: the platform did not say which node (single-node machines, no SRAT proximity).
    numaNode: numaNode !== null && numaNode >= 0 ? numaNode : null,
    physfn: physfn && BDF_RE.test(physfn) ? physfn : null,
    vfIndex: null,
    sriov,
    msixVectors: parseMsixVectors(config),
    link: linkInfo,
    netInterfaces: [...netNames].sort(),
    pciPath,
    mdevTypes,
    aer,
  };
}

/**
 * The netdevs of a PCI function: `net/` directly under it, or under its virtio child
 * (`virtio0/net/`) for virtio-net, whose netdev hangs off the virtio bus device. Seen on a real
 * kernel: a management NIC on virtio-net listed no interface, so no safety rule saw its route.
 */
async function readNetNames(dir: string, names: ReadonlySet<string>): Promise<string[]> {
  const subdirs = [...names].filter((n) => /^virtio\d+$/.test(n)).map((n) => path.join(dir, n, "net"));
  if (names.has("net")) subdirs.unshift(path.join(dir, "net"));
  return (await Promise.all(subdirs.map((d) => listDir(d)))).flat();
}

/** One PCI function by address, as the full scan reads it (VF index not filled in); null when absent. */
export async function readPciDevice(root: string, bdf: string): Promise<RawPciDevice | null> {
  if (!BDF_RE.test(bdf)) return null;
  const devicesDir = path.join(root, "sys/bus/pci/devices");
  const listed = await listDir(path.join(devicesDir, bdf));
  return listed.length === 0 ? null : readDevice(devicesDir, bdf, listed);
}

/**
 * Every PCI function under `<root>/sys/bus/pci/devices`, sorted by address, VF indexes filled in.
 * A scan racing VF creation or removal can see a PF's `virtfnN` link without the VF's own device
 * (or the other way round): it reads again, up to 3 times, since the control plane refuses a
 * snapshot whose PF names a VF it does not list.
 */
export async function readPciDevices(root: string): Promise<PciDevice[]> {
  for (let attempt = 1; ; attempt++) {
    const devices = await readPciDevicesOnce(root);
    const listed = new Set(devices.map((d) => d.address));
    if (attempt >= 3 || devices.every((d) => (d.sriov?.vfs ?? []).every((vf) => listed.has(vf)))) return devices;
  }
}

async function readPciDevicesOnce(root: string): Promise<PciDevice[]> {
  const devicesDir = path.join(root, "sys/bus/pci/devices");
  const bdfs = (await listDir(devicesDir)).filter((n) => BDF_RE.test(n)).sort();
  const devices = await Promise.all(bdfs.map((bdf) => readDevice(devicesDir, bdf)));
  const vfIndex = new Map<string, number>();
  for (const d of devices) d.sriov?.vfs.forEach((vf, i) => vfIndex.set(vf, i));
  for (const d of devices) if (d.physfn) d.vfIndex = vfIndex.get(d.address) ?? null;
  return devices;
}
