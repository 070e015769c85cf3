import { buildConfigSpace } from "../config/build-config-space.ts";
import { hasAerStats, renderAerFiles } from "../model/aer.ts";
import { parseBdf } from "../model/bdf.ts";
import type { HostState, PciFunction } from "../model/host-state.ts";
import { devicePath } from "./device-path.ts";
import { emptyEntries, type TreeEntries } from "./tree-entries.ts";

const SPEED_TEXT: Record<number, string> = { 2.5: "2.5 GT/s PCIe", 5: "5.0 GT/s PCIe", 8: "8.0 GT/s PCIe", 16: "16.0 GT/s PCIe" };

/** Bridge windows (13 lines) then nothing: the 6 BARs + ROM + 6 more lines pciutils reads. */
const RESOURCE = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n".repeat(13);

function isMultifunction(state: HostState, fn: PciFunction): boolean {
  if (fn.physfn) return false;
  const a = parseBdf(fn.bdf);
  for (const other of state.functions.values()) {
    if (other === fn || other.physfn) continue;
    const b = parseBdf(other.bdf);
    if (b.domain === a.domain && b.bus === a.bus && b.devfn >> 3 === a.devfn >> 3) return true;
  }
  return false;
}

export function allCpus(state: HostState): string {
  const c = state.spec.cpu;
  return `0-${c.sockets * c.coresPerSocket * c.threadsPerCore - 1}`;
}

/**
 * One PCI function's sysfs directory plus the links pointing at it from /sys/bus/pci,
 * the driver directory, its IOMMU group and /sys/class/net. Pure: returns entries.
 */
export function renderDevice(state: HostState, fn: PciFunction): TreeEntries {
  const e = emptyEntries();
  const dir = devicePath(state, fn.bdf);
  const file = (name: string, content: string | Buffer) => e.files.set(`${dir}/${name}`, content);
  e.dirs.add(dir);
  file("vendor", `0x${fn.vendorId}\n`);
  file("device", `0x${fn.deviceId}\n`);
  file("subsystem_vendor", `0x${fn.subsystemVendorId}\n`);
  file("subsystem_device", `0x${fn.subsystemDeviceId}\n`);
  file("class", `0x${fn.classCode}\n`);
  file("revision", `0x${fn.revision}\n`);
  file("config", buildConfigSpace(fn, isMultifunction(state, fn)));
  file("irq", "0\n");
  file("resource", RESOURCE);
  file("enable", fn.driver ? "1\n" : "0\n");
  file("driver_override", `${fn.driverOverride ?? "(null)"}\n`);
  file("numa_node", `${fn.numaNode}\n`);
  const node = state.spec.numaNodes.find((n) => n.id === fn.numaNode);
  file("local_cpulist", `${node?.cpulist ?? allCpus(state)}\n`);
  file(
    "uevent",
    [
      ...(fn.driver ? [`DRIVER=${fn.driver}`] : []),
      `PCI_CLASS=${Number.parseInt(fn.classCode, 16).toString(16).toUpperCase()}`,
      `PCI_ID=${fn.vendorId.toUpperCase()}:${fn.deviceId.toUpperCase()}`,
      `PCI_SUBSYS_ID=${fn.subsystemVendorId.toUpperCase()}:${fn.subsystemDeviceId.toUpperCase()}`,
      `PCI_SLOT_NAME=${fn.bdf}`,
      `MODALIAS=pci:v0000${fn.vendorId.toUpperCase()}d0000${fn.deviceId.toUpperCase()}sv0000${fn.subsystemVendorId.toUpperCase()}sd0000${fn.subsystemDeviceId.toUpperCase()}bc${fn.classCode.slice(0, 2).toUpperCase()}sc${fn.classCode.slice(2, 4).toUpperCase()}i${fn.classCode.slice(4).toUpperCase()}`,
    ].join("\n") + "\n",
  );
  if (fn.link) {
    file("current_link_speed", `${SPEED_TEXT[fn.link.speed]}\n`);
    file("current_link_width", `${fn.link.width}\n`);
    file("max_link_speed", `${SPEED_TEXT[fn.link.maxSpeed ?? fn.link.speed]}\n`);
    file("max_link_width", `${fn.link.maxWidth ?? fn.link.width}\n`);
  }
  if (hasAerStats(fn)) for (const [name, content] of renderAerFiles(fn)) file(name, content);
  if (fn.bridge) {
    file("secondary_bus_number", `${fn.bridge.secondaryBus}\n`);
    file("subordinate_bus_number", `${fn.bridge.subordinateBus}\n`);
  }
  if (fn.sriov) {
    const s = fn.sriov;
    file("sriov_totalvfs", `${s.driverMaxVfs ?? s.totalVfs}\n`);
    file("sriov_numvfs", `${s.numVfs}\n`);
    file("sriov_offset", `${s.offset}\n`);
    file("sriov_stride", `${s.stride}\n`);
    file("sriov_vf_device", `${s.vfDeviceId}\n`);
    file("sriov_drivers_autoprobe", s.driversAutoprobe ? "1\n" : "0\n");
    s.vfs.forEach((vf, i) => e.links.set(`${dir}/virtfn${i}`, devicePath(state, vf)));
  }
  if (fn.physfn) e.links.set(`${dir}/physfn`, devicePath(state, fn.physfn));
  e.links.set(`${dir}/subsystem`, "sys/bus/pci");
  e.links.set(`sys/bus/pci/devices/${fn.bdf}`, dir);
  if (fn.driver) {
    e.links.set(`${dir}/driver`, `sys/bus/pci/drivers/${fn.driver}`);
    e.links.set(`sys/bus/pci/drivers/${fn.driver}/${fn.bdf}`, dir);
  }
  if (fn.iommuGroup !== null) {
    const group = `sys/kernel/iommu_groups/${fn.iommuGroup}`;
    e.links.set(`${dir}/iommu_group`, group);
    e.links.set(`${group}/devices/${fn.bdf}`, dir);
    const pt = /(^|\s)iommu=pt(\s|$)/.test(state.spec.kernelCmdline);
    e.files.set(`${group}/type`, pt && fn.driver !== "vfio-pci" ? "identity\n" : "DMA\n");
    const unit = state.spec.iommu.units[0];
    if (unit) e.links.set(`${dir}/iommu`, `sys/devices/virtual/iommu/${unit}`);
  }
  if (fn.net) {
    const net = `${dir}/net/${fn.net.ifname}`;
    e.files.set(`${net}/address`, `${fn.net.mac}\n`);
    e.files.set(`${net}/carrier`, fn.net.carrier ? "1\n" : "0\n");
    e.files.set(`${net}/operstate`, fn.net.carrier ? "up\n" : "down\n");
    // Without carrier the kernel reports SPEED_UNKNOWN (-1), as ethtool's "Unknown!".
    e.files.set(`${net}/speed`, fn.net.carrier ? `${fn.net.speedMbps}\n` : "-1\n");
    e.files.set(`${net}/ifindex`, `${fn.net.ifindex}\n`);
    e.files.set(`${net}/type`, "1\n");
    e.files.set(`${net}/mtu`, "1500\n");
    e.links.set(`${net}/device`, dir);
    const bridge = state.spec.bridges?.find((b) => b.members.includes(fn.net!.ifname));
    if (bridge) e.links.set(`${net}/master`, `sys/devices/virtual/net/${bridge.name}`);
    e.links.set(`sys/class/net/${fn.net.ifname}`, net);
  }
  return e;
}
