import { compareBdf, parseBdf } from "./bdf.ts";
import { allocateIommuGroup } from "./allocate-iommu-group.ts";
import type { HostSpec } from "./host-spec.ts";
import type { GuestState, HostState, PciFunction } from "./host-state.ts";
import { localMac, MAC_KIND } from "./local-mac.ts";
import { setVfCount } from "./set-vf-count.ts";
import { bootModules } from "./load-driver-module.ts";

export interface HostStateOptions {
  /** VFs per PF (default: the profile's `defaultVfs`, capped at each PF's limit). */
  vfs?: number;
}

/** The smallest sysfs `sriov_totalvfs` among the profile's PFs: the largest valid `--vfs`. */
export function maxVfsOf(spec: HostSpec): number {
  const limits = spec.functions.filter((f) => f.sriov).map((f) => f.sriov!.driverMaxVfs ?? f.sriov!.totalVfs);
  return limits.length === 0 ? 0 : Math.min(...limits);
}

/** Build the boot-time state of a host: devices, groups, VFs, then the profile's assignments. */
export function createHostState(profile: HostSpec, options: HostStateOptions = {}): HostState {
  const spec = bootModules(profile);
  const limit = maxVfsOf(spec);
  if (options.vfs !== undefined && (!Number.isInteger(options.vfs) || options.vfs < 0 || options.vfs > limit)) {
    const why =
      limit === 0 ? `profile ${spec.profile} has no SR-IOV physical functions` : `sriov_totalvfs of profile ${spec.profile} is ${limit}`;
    throw new Error(`--vfs must be an integer from 0 to ${limit} (${why}), got ${options.vfs}`);
  }
  const state: HostState = { spec, functions: new Map(), guests: [], nextIfindex: 2 };
  const ordered = [...spec.functions].sort((a, b) => compareBdf(a.bdf, b.bdf));
  for (const f of ordered) {
    if (state.functions.has(f.bdf)) throw new Error(`profile ${spec.profile}: duplicate PCI address ${f.bdf}`);
    const addr = parseBdf(f.bdf);
    const fn: PciFunction = {
      bdf: f.bdf,
      vendorId: f.vendorId,
      deviceId: f.deviceId,
      subsystemVendorId: f.subsystemVendorId ?? f.vendorId,
      subsystemDeviceId: f.subsystemDeviceId ?? "0000",
      classCode: f.classCode,
      revision: f.revision,
      driver: f.driver,
      driverOverride: f.driverOverride ?? null,
      parent: f.parent ?? null,
      bridge: f.bridge ?? null,
      pcie: f.pcie ?? null,
      link: f.link ?? null,
      msixVectors: f.msixVectors ?? null,
      numaNode: f.numaNode,
      iommuGroup: spec.iommu.enabled ? (f.iommuGroup ?? null) : null,
      net: f.net
        ? {
            ifname: f.net.ifname,
            mac: f.net.mac || localMac(MAC_KIND.pfNetdev, addr.bus, addr.devfn),
            carrier: f.net.carrier,
            speedMbps: f.net.speedMbps,
            ifindex: 0,
          }
        : null,
      sriov: f.sriov
        ? {
            totalVfs: f.sriov.totalVfs,
            driverMaxVfs: f.sriov.driverMaxVfs ?? null,
            initialVfs: f.sriov.totalVfs,
            numVfs: 0,
            offset: f.sriov.offset,
            stride: f.sriov.stride,
            vfDeviceId: f.sriov.vfDeviceId,
            vfDriver: f.sriov.vfDriver,
            vfMsixVectors: f.sriov.vfMsixVectors,
            vfNetdevs: f.sriov.vfNetdevs,
            driversAutoprobe: true,
            vfs: [],
            vfConfigs: [],
          }
        : null,
      physfn: null,
      vfIndex: null,
    };
    if (fn.parent && !spec.functions.some((p) => p.bdf === fn.parent && p.bridge)) {
      throw new Error(`profile ${spec.profile}: ${f.bdf} has parent ${fn.parent}, which is not a bridge in the profile`);
    }
    state.functions.set(f.bdf, fn);
  }
  // Netdevs are numbered in probe (BDF) order after lo (ifindex 1).
  for (const fn of state.functions.values()) if (fn.net) fn.net.ifindex = state.nextIfindex++;
  if (spec.iommu.enabled) {
    for (const f of ordered) {
      const fn = state.functions.get(f.bdf)!;
      if (fn.iommuGroup !== null) continue;
      const peer = f.groupWith ? state.functions.get(f.groupWith) : undefined;
      fn.iommuGroup = peer?.iommuGroup ?? allocateIommuGroup(state);
    }
  }
  const vfs = options.vfs ?? spec.defaultVfs;
  for (const fn of [...state.functions.values()]) {
    if (fn.sriov) setVfCount(state, fn.bdf, Math.min(vfs, fn.sriov.driverMaxVfs ?? fn.sriov.totalVfs));
  }
  state.guests = spec.guests.map((g): GuestState => ({ ...g, hostdevs: [] }));
  applyAssignments(state);
  return state;
}

function pfByIfname(state: HostState, ifname: string): PciFunction {
  for (const fn of state.functions.values()) if (fn.sriov && fn.net?.ifname === ifname) return fn;
  throw new Error(`profile ${state.spec.profile}: assignment names PF ${ifname}, which is not an SR-IOV netdev`);
}

/** Hand the profile's devices to guests: vfio-pci with driver_override, as libvirt managed='yes' leaves them. */
function applyAssignments(state: HostState): void {
  for (const a of state.spec.assignments) {
    const guest = state.guests.find((g) => g.name === a.guest);
    if (!guest) throw new Error(`profile ${state.spec.profile}: assignment names unknown guest ${a.guest}`);
    const targets: Array<{ fn: PciFunction; pf?: PciFunction }> = [];
    if ("bdf" in a) {
      const fn = state.functions.get(a.bdf);
      if (!fn) throw new Error(`profile ${state.spec.profile}: assignment names unknown device ${a.bdf}`);
      targets.push({ fn });
    } else {
      const pf = pfByIfname(state, a.pfIfname);
      const indexes = a.vfIndexes === "all" ? pf.sriov!.vfs.map((_, i) => i) : a.vfIndexes.filter((i) => i < pf.sriov!.numVfs);
      for (const i of indexes) targets.push({ fn: state.functions.get(pf.sriov!.vfs[i]!)!, pf });
    }
    for (const { fn, pf } of targets) {
      fn.driver = "vfio-pci";
      fn.driverOverride = "vfio-pci";
      fn.net = null;
      let mac: string | null = null;
      let vlan: number | null = null;
      if (a.kind === "interface" && pf && fn.vfIndex !== null) {
        // libvirt programs the guest's MAC/VLAN on the PF before handing the VF over.
        const addr = parseBdf(fn.bdf);
        mac =
          ("mac" in a && a.mac) ||
          `52:54:00:${addr.bus.toString(16).padStart(2, "0")}:${addr.devfn.toString(16).padStart(2, "0")}:${fn.vfIndex.toString(16).padStart(2, "0")}`;
        vlan = "vlan" in a && a.vlan !== undefined ? a.vlan : null;
        const cfg = pf.sriov!.vfConfigs[fn.vfIndex]!;
        cfg.mac = mac;
        cfg.vlan = vlan ?? 0;
      }
      guest.hostdevs.push({ kind: a.kind, bdf: fn.bdf, mac, vlan });
    }
  }
}
