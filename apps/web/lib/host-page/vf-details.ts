import { namePciDevice, type HostCapacity, type VfState } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";

/** vfleet's own record of a VF (reserved for or assigned to a guest by a plan), when it has one. */
export type VfAssignment = {
  state: "reserved" | "assigned";
  guest: string;
  planId: string | null;
  pool: string | null;
  drift: string | null;
};

/** Every fact the host page knows about one VF: what the detail panel shows and the search reads. */
export type VfDetail = {
  address: string;
  index: number;
  pf: string;
  pfIfname: string | null;
  driver: string | null;
  state: VfState;
  mac: string | null;
  vlan: number | null;
  qos: number | null;
  trust: boolean | null;
  spoofchk: boolean | null;
  linkState: string | null;
  /** True when the PF's driver reported per-VF settings at all: null settings then mean "not set", else "could not tell". */
  netReported: boolean;
  guest: string | null;
  guestRunning: boolean;
  /** How the guest's definition holds it: a detach must name it the same way. */
  heldAs: "hostdev" | "interface" | null;
  numaNode: number | null;
  iommuGroup: number | null;
  assignment: VfAssignment | null;
  /** The VF's own network interface while a host driver holds it (`enp93s0v8`), its MAC and link as `ip link` shows them. */
  netdev: { name: string; mac: string | null; link: string | null } | null;
  /** The model, named from the host's pci.ids, with its ids (`15b3:1018`). */
  model: { name: string; ids: string };
  /** MSI-X table size: the interrupt vectors the VF can ask for. */
  msixVectors: number | null;
};

/** One row per VF of `capacity`, in PF then VF order, with the PF driver's per-VF settings and vfleet's assignment. */
export function buildVfDetails(
  inventory: Inventory,
  capacity: HostCapacity,
  assignments: ReadonlyMap<string, VfAssignment>,
): Map<string, VfDetail[]> {
  const byAddress = new Map(inventory.devices.map((d) => [d.address, d] as const));
  const running = new Set(inventory.guests.filter((g) => g.state === "running").map((g) => g.name));
  const heldAs = new Map(inventory.guests.flatMap((g) => g.hostdevs.map((h) => [h.address, h.kind] as const)));
  const interfaces = new Map(inventory.interfaces.map((i) => [i.name, i] as const));
  return new Map(
    capacity.pfs.map((pf) => {
      const pfDevice = byAddress.get(pf.address);
      const configs = new Map((pfDevice?.sriov?.vfConfigs ?? []).map((c) => [c.index, c] as const));
      return [
        pf.address,
        pf.vfs.map((vf): VfDetail => {
          const c = configs.get(vf.index);
          const device = byAddress.get(vf.address);
          const ifname = device?.netInterfaces[0];
          const netdev = ifname ? interfaces.get(ifname) : undefined;
          return {
            address: vf.address,
            index: vf.index,
            pf: pf.address,
            pfIfname: pf.netInterfaces[0] ?? null,
            driver: vf.driver,
            state: vf.state,
            // VLAN id 0 is the kernel's "no VLAN" (ip link prints no vlan for it): shown and searched as none.
            mac: c?.mac ?? null,
            vlan: c?.vlan ? c.vlan : null,
            qos: c?.qos ?? null,
            trust: c?.trust ?? null,
            spoofchk: c?.spoofchk ?? null,
            linkState: c?.linkState ?? null,
            netReported: c !== undefined,
            guest: vf.guest,
            guestRunning: vf.guest !== null && running.has(vf.guest),
            heldAs: heldAs.get(vf.address) ?? null,
            numaNode: vf.numaNode,
            iommuGroup: device?.iommuGroup ?? null,
            assignment: assignments.get(vf.address) ?? null,
            netdev: ifname ? { name: ifname, mac: netdev?.mac ?? null, link: netdev ? linkOf(netdev) : null } : null,
            model: device
              ? { name: namePciDevice(device, inventory.host.pciNames).label, ids: `${device.vendorId}:${device.deviceId}` }
              : { name: "not in the scan", ids: "" },
            msixVectors: device?.msixVectors ?? null,
          };
        }),
      ] as const;
    }),
  );
}

/** `up, carrier` / `down, no carrier` as the interface's operstate and carrier say; null when neither was read. */
export function linkOf(i: Inventory["interfaces"][number]): string | null {
  const carrier = i.carrier === null ? null : i.carrier ? "carrier" : "no carrier";
  const parts = [i.operstate?.toLowerCase() ?? null, carrier].filter((x): x is string => x !== null);
  return parts.length ? parts.join(", ") : null;
}

/**
 * Does the VF match what the operator typed? An address, MAC (any case, `:` or `-`; the one the PF
 * sets for it or its own interface's, both of which `ip link` shows), guest name (the libvirt
 * definition's, or the guest vfleet reserved it for), PF or VF interface as a substring; a number or "vlan 42" as the VLAN id. Every word must match.
 */
export function vfMatches(vf: VfDetail, query: string): boolean {
  const words = query
    .toLowerCase()
    .replace(/vlan[\s:=]*(\d+)/g, "vlan:$1")
    .split(/\s+/)
    .filter(Boolean);
  return words.every((w) => {
    const vlan = /^(?:vlan:)?(\d{1,4})$/.exec(w);
    if (vlan && vf.vlan === Number(vlan[1])) return true;
    if (w.startsWith("vlan:")) return false;
    const mac = w.replace(/-/g, ":");
    return (
      vf.address.includes(w) ||
      (vf.mac ?? "").includes(mac) ||
      (vf.netdev?.mac ?? "").includes(mac) ||
      (vf.pfIfname ?? "").includes(w) ||
      (vf.netdev?.name ?? "").toLowerCase().includes(w) ||
      [vf.guest, vf.assignment?.guest].some((g) => (g ?? "").toLowerCase().includes(w))
    );
  });
}
