import type { Inventory, PciDevice } from "@vfleet/protocol";
import { isBridge } from "../pci/iommu-group.ts";
import { namePciDevice } from "../pci/name-pci-device.ts";

/**
 * A bridge on a device's PCIe path. PCIe builds every switch from one upstream port with downstream
 * ports below it, and a root port sits on the root bus, so along a path the first bridge is the root
 * port and the rest alternate upstream port, downstream port. A conventional PCI bridge on the way
 * (class 0604 prog-if 01, subtractive) breaks that pattern; it is named `bridge`.
 */
export interface PcieHop {
  address: string;
  role: "root-port" | "switch-upstream" | "switch-downstream" | "bridge";
  /** pci.ids name ("PEX 9749 ..."), null when the host's database lacks it. */
  name: string | null;
}

export type PeerKind = "gpu" | "nic" | "nvswitch" | "other";

export interface PciePeer {
  address: string;
  kind: PeerKind;
  label: string;
  /** A NIC PF's VFs (the candidates for a GPU + NIC group under one switch); null for non-SR-IOV peers. */
  numVfs: number | null;
}

export interface PcieTopology {
  /** The root bus the root port sits on (`pci0000:2e`): GPUDirect RDMA wants GPU and NIC at least under one. */
  rootComplex: string;
  path: PcieHop[];
  /** The upstream port of the nearest switch above the device; null when it hangs off a root port directly. */
  switchUpstream: string | null;
  /** The other endpoints (PFs, not their VFs) under that switch, or under the root port when there is none. */
  peers: PciePeer[];
}

export function peerKindOf(d: Pick<PciDevice, "classCode" | "vendorId">): PeerKind {
  if (d.classCode.startsWith("03")) return "gpu";
  if (d.classCode.startsWith("02")) return "nic";
  // NVSwitch: NVIDIA's "other bridge" (0680) tying a baseboard's GPUs together.
  if (d.classCode.startsWith("0680") && d.vendorId === "10de") return "nvswitch";
  return "other";
}

function rolesOf(path: readonly string[], byAddress: ReadonlyMap<string, PciDevice>): PcieHop["role"][] {
  const roles: PcieHop["role"][] = [];
  let pcie = true;
  path.forEach((bdf, i) => {
    const prog = byAddress.get(bdf)?.classCode.slice(4);
    if (prog === "01") pcie = false;
    roles.push(!pcie ? "bridge" : i === 0 ? "root-port" : i % 2 === 1 ? "switch-upstream" : "switch-downstream");
  });
  return roles;
}

const slotOf = (bdf: string) => bdf.slice(0, -2);

/** The device's PCIe path, nearest switch and the endpoints sharing it; null when the agent did not report the path. */
export function pcieTopologyOf(device: PciDevice, inventory: Inventory, names: Inventory["host"]["pciNames"]): PcieTopology | null {
  const path = device.pciPath;
  if (path == null) return null;
  const byAddress = new Map(inventory.devices.map((d) => [d.address, d] as const));
  const roles = rolesOf(path, byAddress);
  const hops = path.map((address, i) => {
    const bridge = byAddress.get(address);
    return { address, role: roles[i]!, name: bridge ? namePciDevice(bridge, names).device : null };
  });
  const upstreamIndex = roles.lastIndexOf("switch-upstream");
  const switchUpstream = upstreamIndex >= 0 ? path[upstreamIndex]! : null;
  const anchor = switchUpstream ?? path.at(-1) ?? null;
  const first = path[0] ?? device.address;
  const peers: PciePeer[] =
    anchor === null
      ? []
      : inventory.devices
          .filter(
            (d) => d.physfn === null && !isBridge(d) && slotOf(d.address) !== slotOf(device.address) && (d.pciPath ?? []).includes(anchor),
          )
          .map((d) => {
            const n = namePciDevice(d, names);
            return {
              address: d.address,
              kind: peerKindOf(d),
              label: n.device ?? `${d.vendorId}:${d.deviceId}`,
              numVfs: d.sriov?.numVfs ?? null,
            };
          });
  return { rootComplex: `pci${first.slice(0, 7)}`, path: hops, switchUpstream, peers };
}
