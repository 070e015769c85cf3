import type { PlacementRequest } from "../place-request.ts";
import type { PlacementHost, PlacementPf, PlacementVf } from "../placement-types.ts";

/** The ConnectX-5 pool the placement unit tests ask of. */
export const cx5 = { name: "cx5", selector: { vendorId: "15b3", deviceId: "1017" } };
/** 4 VFs of cx5 for a new guest g1, NUMA not minded, unless `o` says otherwise. */
export const ask = (o: Partial<PlacementRequest> = {}): PlacementRequest => ({
  pool: cx5,
  count: 4,
  numa: "none",
  guest: { name: "g1", vcpus: 8, memoryMiB: 8192 },
  ...o,
});

/**
 * Hand-made scheduler views for placement unit tests: ConnectX-5 PFs (15b3:1017, firmware limit
 * 16, offset 2 / stride 1, VF MSI-X table 12) with `ready` VFs on vfio-pci, then `bindable` on
 * mlx5_core, then `assigned` to guest vm0; the port has carrier at 100 Gb/s unless `link: "down"`.
 */
export function makePf(
  bus: number,
  numaNode: number,
  o: { ready?: number; bindable?: number; assigned?: number; totalVfs?: number; driver?: string; link?: "up" | "down" } = {},
): PlacementPf {
  const address = `0000:${bus.toString(16).padStart(2, "0")}:00.0`;
  const kinds = [
    ...Array<"ready">(o.ready ?? 0).fill("ready"),
    ...Array<"bindable">(o.bindable ?? 0).fill("bindable"),
    ...Array<"assigned">(o.assigned ?? 0).fill("assigned"),
  ];
  const vfs: PlacementVf[] = kinds.map((k, index) => ({
    address: `0000:${bus.toString(16).padStart(2, "0")}:${((2 + index) >> 3).toString(16).padStart(2, "0")}.${(2 + index) & 7}`,
    index,
    driver: k === "bindable" ? "mlx5_core" : "vfio-pci",
    claim: k === "assigned" ? { state: "assigned", guest: "vm0" } : null,
    hostUse: false,
    quarantined: false,
    mac: null,
    vlan: null,
  }));
  return {
    address,
    vendorId: "15b3",
    deviceId: "1017",
    driver: o.driver ?? "mlx5_core",
    netInterfaces: [`enp${bus}s0`],
    numaNode,
    linkSpeed: "8.0 GT/s PCIe",
    linkWidth: 16,
    totalVfs: o.totalVfs ?? 16,
    numVfs: vfs.length,
    offset: 2,
    stride: 1,
    vfMsixVectors: 12,
    port: { netdev: `enp${bus}s0`, link: o.link ?? "up", speedMbps: (o.link ?? "up") === "up" ? 100_000 : null },
    vfs,
  };
}

export function makePlacementHost(name: string, pfs: PlacementPf[], o: Partial<PlacementHost> = {}): PlacementHost {
  return {
    id: `id-${name}`,
    name,
    online: true,
    maintenance: false,
    labels: {},
    numaNodes: [
      { id: 0, cpulist: "0-23" },
      { id: 1, cpulist: "24-47" },
    ],
    pfs,
    devices: [],
    guests: [],
    ...o,
  };
}
