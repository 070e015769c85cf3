import type { HostState } from "../model/host-state.ts";
import { PCI_IDS } from "../profiles/pci-ids.ts";
import { allCpus } from "./render-device.ts";
import { emptyEntries, type TreeEntries } from "./tree-entries.ts";

/**
 * Host-wide files: procfs (cmdline, cpuinfo, meminfo, interrupts, net/route, hostname), pci.ids,
 * /sys/module, NUMA nodes, IOMMU units, the PCI bus and driver directories, and virtual
 * netdevs (lo, bridges). Pure: returns entries.
 */
export function renderHostFiles(state: HostState): TreeEntries {
  const e = emptyEntries();
  const spec = state.spec;
  e.files.set("proc/cmdline", `${spec.kernelCmdline}\n`);
  e.files.set("proc/sys/kernel/hostname", `${spec.hostname}\n`);
  e.files.set("proc/sys/kernel/osrelease", `${spec.kernelRelease}\n`);
  e.files.set("proc/cpuinfo", renderCpuinfo(state));
  e.files.set("proc/meminfo", renderMeminfo(state));
  e.files.set("proc/interrupts", renderInterrupts(state));
  e.files.set("proc/net/route", renderRoute(state));
  // The host's own PCI ID database, where Debian keeps it: names come from the host, as lspci's do.
  e.files.set("usr/share/misc/pci.ids", PCI_IDS);

  for (const [name, params] of Object.entries(spec.modules)) {
    e.dirs.add(`sys/module/${name}`);
    for (const [param, value] of Object.entries(params)) e.files.set(`sys/module/${name}/parameters/${param}`, `${value}\n`);
  }
  e.files.set("sys/devices/system/node/online", spec.numaNodes.length > 1 ? `0-${spec.numaNodes.length - 1}\n` : "0\n");
  for (const n of spec.numaNodes) {
    e.files.set(`sys/devices/system/node/node${n.id}/cpulist`, `${n.cpulist}\n`);
    e.files.set(
      `sys/devices/system/node/node${n.id}/meminfo`,
      `Node ${n.id} MemTotal:       ${n.memTotalKiB} kB\nNode ${n.id} MemFree:        ${Math.floor(n.memTotalKiB * 0.9)} kB\n`,
    );
  }
  e.dirs.add("sys/class/iommu");
  if (spec.iommu.enabled) {
    e.dirs.add("sys/kernel/iommu_groups");
    for (const unit of spec.iommu.units) {
      e.files.set(`sys/devices/virtual/iommu/${unit}/uevent`, "");
      // A VT-d unit's extended capabilities as the kernel prints them (%llx), a Xeon's value: bit 3 is
      // interrupt remapping, cleared when the profile's hardware lacks it.
      if (/^dmar\d+$/.test(unit))
        e.files.set(`sys/devices/virtual/iommu/${unit}/intel-iommu/ecap`, spec.iommu.interruptRemapping ? "f020df\n" : "f020d7\n");
      e.links.set(`sys/class/iommu/${unit}`, `sys/devices/virtual/iommu/${unit}`);
    }
  }
  // The PCI bus and every driver directory the host has (even with no device bound), with
  // the control files the write side (bind/unbind/new_id, drivers_probe) will act on.
  e.files.set("sys/bus/pci/drivers_probe", "");
  e.files.set("sys/bus/pci/drivers_autoprobe", "1\n");
  e.files.set("sys/bus/pci/rescan", "");
  e.dirs.add("sys/bus/pci/devices");
  const drivers = new Set<string>(["pcieport"]);
  for (const fn of state.functions.values()) {
    if (fn.driver) drivers.add(fn.driver);
    if (fn.sriov) drivers.add(fn.sriov.vfDriver);
  }
  if ("vfio_pci" in spec.modules) drivers.add("vfio-pci");
  for (const d of drivers)
    for (const f of ["bind", "unbind", "new_id", "remove_id", "uevent"]) e.files.set(`sys/bus/pci/drivers/${d}/${f}`, "");

  const lo = "sys/devices/virtual/net/lo";
  e.files.set(`${lo}/address`, "00:00:00:00:00:00\n");
  e.files.set(`${lo}/carrier`, "1\n");
  e.files.set(`${lo}/operstate`, "unknown\n");
  e.files.set(`${lo}/ifindex`, "1\n");
  e.links.set("sys/class/net/lo", lo);
  let ifindex = state.nextIfindex;
  for (const b of state.spec.bridges ?? []) {
    const dir = `sys/devices/virtual/net/${b.name}`;
    e.files.set(`${dir}/address`, `${b.mac}\n`);
    e.files.set(`${dir}/carrier`, "1\n");
    e.files.set(`${dir}/operstate`, "up\n");
    e.files.set(`${dir}/ifindex`, `${ifindex++}\n`);
    e.dirs.add(`${dir}/bridge`);
    e.links.set(`sys/class/net/${b.name}`, dir);
  }
  return e;
}

function renderCpuinfo(state: HostState): string {
  const c = state.spec.cpu;
  const perSocket = c.coresPerSocket;
  const out: string[] = [];
  const total = c.sockets * c.coresPerSocket * c.threadsPerCore;
  for (let cpu = 0; cpu < total; cpu++) {
    // Linux numbers first threads of every core across sockets, then the HT siblings.
    const core = cpu % (c.sockets * perSocket);
    const socket = Math.floor(core / perSocket);
    out.push(
      [
        `processor\t: ${cpu}`,
        `vendor_id\t: ${c.vendorId}`,
        `cpu family\t: ${c.family}`,
        `model\t\t: ${c.model}`,
        `model name\t: ${c.modelName}`,
        `physical id\t: ${socket}`,
        `siblings\t: ${perSocket * c.threadsPerCore}`,
        `core id\t\t: ${core % perSocket}`,
        `cpu cores\t: ${perSocket}`,
        `flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm ${c.vendorId === "GenuineIntel" ? "vmx" : "svm"} sse4_1 sse4_2 x2apic popcnt aes avx`,
        "",
      ].join("\n"),
    );
  }
  return out.join("\n") + "\n";
}

function renderMeminfo(state: HostState): string {
  const s = state.spec;
  const hp = s.hugepages;
  const row = (k: string, v: number, unit = " kB") => `${`${k}:`.padEnd(16)}${String(v).padStart(10)}${unit}`;
  return (
    [
      row("MemTotal", s.memTotalKiB),
      row("MemFree", Math.floor(s.memTotalKiB * 0.8)),
      row("MemAvailable", Math.floor(s.memTotalKiB * 0.85)),
      row("HugePages_Total", hp.total, ""),
      row("HugePages_Free", hp.free, ""),
      row("HugePages_Rsvd", 0, ""),
      row("HugePages_Surp", 0, ""),
      row("Hugepagesize", hp.sizeKiB),
    ].join("\n") + "\n"
  );
}

function renderInterrupts(state: HostState): string {
  const cpus = Math.min(state.spec.cpu.sockets * state.spec.cpu.coresPerSocket * state.spec.cpu.threadsPerCore, 4);
  const counts = (n: number) => Array.from({ length: cpus }, (_, i) => String(i === 0 ? n : 0).padStart(10)).join(" ");
  // With interrupt remapping the MSI irqchips are the IR- variants (IR-PCI-MSI, IR-IO-APIC).
  const ir = state.spec.iommu.enabled && state.spec.iommu.interruptRemapping ? "IR-" : "";
  const lines = [`${" ".repeat(11)}${Array.from({ length: cpus }, (_, i) => `CPU${i}`.padEnd(11)).join("")}`];
  lines.push(`  0: ${counts(45)}  ${ir}IO-APIC    2-edge      timer`);
  lines.push(`  8: ${counts(1)}  ${ir}IO-APIC    8-edge      rtc0`);
  let irq = 120;
  for (const fn of [...state.functions.values()].filter((f) => f.net)) {
    lines.push(`${String(irq++).padStart(3)}: ${counts(1000)}  ${ir}PCI-MSI ${irq * 2048}-edge      ${fn.net!.ifname}`);
  }
  lines.push(`NMI: ${counts(0)}   Non-maskable interrupts`);
  return lines.join("\n") + "\n";
}

function renderRoute(state: HostState): string {
  const hdr = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";
  const ifn = state.spec.defaultRouteIfname;
  return `${hdr}\n${ifn}\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n${ifn}\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n`;
}
