import os from "node:os";
import path from "node:path";
import type { HostFacts, IommuGroup, NumaNode } from "@vfleet/protocol";
import { exists, listDir, readLinkName, readText } from "./read-sysfs.ts";

/** Modules passthrough depends on, reported when loaded (`/sys/module/<name>` exists). */
const WATCHED_MODULES = [
  "vfio",
  "vfio_pci",
  "vfio_iommu_type1",
  "vfio_virqfd",
  "vfio_pci_core",
  "pci_stub",
  "kvm",
  "kvm_intel",
  "kvm_amd",
  "irqbypass",
  "mlx5_core",
  "mlx4_core",
  "igb",
  "igbvf",
  "ixgbe",
  "ixgbevf",
  "i40e",
  "iavf",
  "ice",
  "bnxt_en",
  "nvidia",
];

function parseMeminfo(text: string | null): { memTotalKiB: number | null; hugepages: HostFacts["hugepages"] } {
  if (!text) return { memTotalKiB: null, hugepages: null };
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text);
    return m ? Number(m[1]) : null;
  };
  const total = field("HugePages_Total");
  const free = field("HugePages_Free");
  const size = field("Hugepagesize");
  return {
    memTotalKiB: field("MemTotal"),
    hugepages: total !== null && free !== null && size !== null ? { total, free, sizeKiB: size } : null,
  };
}

function parseCpuinfo(text: string | null): { cpuVendor: HostFacts["cpuVendor"]; cpuCount: number | null } {
  if (!text) return { cpuVendor: null, cpuCount: null };
  const vendor = /^vendor_id\s*:\s*(\S+)/m.exec(text)?.[1];
  const cpuVendor =
    vendor === "GenuineIntel" ? "intel" : vendor === "AuthenticAMD" || vendor === "HygonGenuine" ? "amd" : vendor ? "other" : null;
  const count = (text.match(/^processor\s*:/gm) ?? []).length;
  return { cpuVendor, cpuCount: count > 0 ? count : null };
}

/** Interface of the default route: destination and mask 00000000 in /proc/net/route. */
export function parseDefaultRoute(text: string | null): string | null {
  for (const line of (text ?? "").split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length >= 8 && cols[1] === "00000000" && cols[7] === "00000000") return cols[0] ?? null;
  }
  return null;
}

/**
 * Interrupt remapping from /proc/interrupts: with it, MSI and IO-APIC irqchips are the IR-
 * variants (IR-PCI-MSI, IR-IO-APIC). Null when the file cannot be read.
 */
function parseInterruptRemapping(text: string | null): boolean | null {
  if (text === null) return null;
  return /\sIR-[A-Z]/.test(text);
}

async function readNumaNodes(root: string): Promise<NumaNode[]> {
  const dir = path.join(root, "sys/devices/system/node");
  const nodes = (await listDir(dir)).filter((n) => /^node\d+$/.test(n));
  const read = await Promise.all(
    nodes.map(async (n): Promise<NumaNode> => {
      const [cpulist, meminfo] = await Promise.all([readText(path.join(dir, n, "cpulist")), readText(path.join(dir, n, "meminfo"))]);
      const mem = /MemTotal:\s+(\d+)/.exec(meminfo ?? "");
      return { id: Number(n.slice(4)), cpulist: cpulist ?? "", memTotalKiB: mem ? Number(mem[1]) : null };
    }),
  );
  return read.sort((a, b) => a.id - b.id);
}

const PCI_ADDRESS = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/;

/**
 * IOMMU groups: ids from /sys/kernel/iommu_groups (none at all means the IOMMU is off).
 * Members come from the PCI devices' own `iommu_group` links, already read; only a group
 * no PCI device claims (non-PCI members) costs a directory read of its `devices/`.
 */
export async function readIommuGroups(root: string, devices: Array<{ address: string; iommuGroup: number | null }>): Promise<IommuGroup[]> {
  const dir = path.join(root, "sys/kernel/iommu_groups");
  const listed = await listDir(dir);
  // A capture without /sys/kernel/iommu_groups whose devices still link to their groups: the
  // groups are the devices' (the IOMMU is on), not none.
  const ids =
    listed.length > 0
      ? listed.filter((n) => /^\d+$/.test(n)).map(Number)
      : [...new Set(devices.flatMap((d) => (d.iommuGroup === null ? [] : [d.iommuGroup])))];
  const members = new Map<number, string[]>(ids.map((id) => [id, []]));
  for (const d of devices) if (d.iommuGroup !== null) members.get(d.iommuGroup)?.push(d.address);
  const groups = await Promise.all(
    ids.map(async (id) => {
      const known = members.get(id)!;
      // A group no PCI function claims may hold non-PCI members: a mediated device's instance has a
      // group of its own whose member is its UUID. Only PCI addresses are listed (the wire's Bdf),
      // so a host with mdev instances still reports instead of having its snapshot refused.
      const listed = known.length > 0 ? known : (await listDir(path.join(dir, String(id), "devices"))).filter((m) => PCI_ADDRESS.test(m));
      return { id, devices: listed.sort() };
    }),
  );
  return groups.sort((a, b) => a.id - b.id);
}

/**
 * IOMMU units: /sys/class/iommu lists them, but it only links to where they live. In a capture
 * without /sys/class, Intel's units are still under /sys/devices/virtual/iommu and every PCI
 * function an IOMMU translates links to its unit (`iommu`, AMD's ivhd units included).
 */
export async function readIommuUnits(root: string, addresses: string[]): Promise<string[]> {
  const classDir = path.join(root, "sys/class/iommu");
  if (await exists(classDir)) return (await listDir(classDir)).sort();
  const linked = await Promise.all(addresses.map((a) => readLinkName(path.join(root, "sys/bus/pci/devices", a, "iommu"))));
  const units = new Set([...(await listDir(path.join(root, "sys/devices/virtual/iommu"))), ...linked.filter((u) => u !== null)]);
  return [...units].sort();
}

/** `f0205e` from an Intel unit's `intel-iommu/ecap` (the kernel prints `%llx`); null when absent or not hex. */
function parseEcap(text: string | null): string | null {
  const m = /^(?:0x)?0*([0-9a-f]{1,16})$/i.exec(text ?? "");
  return m ? m[1]!.toLowerCase() : null;
}

/** Extended capability registers of the Intel units among `units` (dmarN): what the hardware offers. */
export async function readIntelEcaps(root: string, units: string[]): Promise<{ unit: string; ecap: string }[]> {
  const read = await Promise.all(
    units
      .filter((u) => /^dmar\d+$/.test(u))
      .map(async (unit) => ({
        unit,
        ecap: parseEcap(await readText(path.join(root, "sys/devices/virtual/iommu", unit, "intel-iommu/ecap"))),
      })),
  );
  return read.flatMap((r) => (r.ecap === null ? [] : [{ unit: r.unit, ecap: r.ecap }]));
}

/** Host facts; `iommu.enabled/groups/units/ecap` start empty and are set by the caller from the devices read. */
export async function readHostFacts(root: string): Promise<HostFacts> {
  const p = (rel: string) => path.join(root, rel);
  const [hostname, release, cmdline, cpuinfo, meminfo, interrupts, route, modules, unsafe, numaNodes] = await Promise.all([
    readText(p("proc/sys/kernel/hostname")),
    readText(p("proc/sys/kernel/osrelease")),
    readText(p("proc/cmdline")),
    readText(p("proc/cpuinfo")),
    readText(p("proc/meminfo")),
    readText(p("proc/interrupts")),
    readText(p("proc/net/route")),
    listDir(p("sys/module")),
    readText(p("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts")),
    readNumaNodes(root),
  ]);
  const loaded = new Set(modules);
  const mem = parseMeminfo(meminfo);
  const cpu = parseCpuinfo(cpuinfo);
  return {
    // procfs always has a hostname; a tree without one falls back to the machine's only at "/".
    hostname: hostname ?? (path.resolve(root) === "/" ? os.hostname() : "unknown"),
    kernelRelease: release,
    kernelCmdline: cmdline ?? "",
    cpuVendor: cpu.cpuVendor,
    cpuCount: cpu.cpuCount,
    memTotalKiB: mem.memTotalKiB,
    hugepages: mem.hugepages,
    iommu: {
      enabled: false,
      groups: 0,
      units: [],
      interruptRemapping: parseInterruptRemapping(interrupts),
      allowUnsafeInterrupts: unsafe === null ? null : unsafe === "Y" || unsafe === "1",
    },
    modules: WATCHED_MODULES.filter((m) => loaded.has(m)),
    numaNodes,
    defaultRouteInterface: parseDefaultRoute(route),
  };
}
