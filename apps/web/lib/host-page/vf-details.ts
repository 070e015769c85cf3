import type { HostCapacity, VfState } from "@vfleet/core";
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
  return new Map(
    capacity.pfs.map((pf) => {
      const pfDevice = byAddress.get(pf.address);
      const configs = new Map((pfDevice?.sriov?.vfConfigs ?? []).map((c) => [c.index, c] as const));
      return [
        pf.address,
        pf.vfs.map((vf): VfDetail => {
          const c = configs.get(vf.index);
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
            iommuGroup: byAddress.get(vf.address)?.iommuGroup ?? null,
            assignment: assignments.get(vf.address) ?? null,
          };
        }),
      ] as const;
    }),
  );
}

/**
 * Does the VF match what the operator typed? An address, MAC (any case, `:` or `-`), guest name
 * (the libvirt definition's, or the guest vfleet reserved it for) or PF interface as a substring; a number or "vlan 42" as the VLAN id. Every word must match.
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
      (vf.pfIfname ?? "").includes(w) ||
      [vf.guest, vf.assignment?.guest].some((g) => (g ?? "").toLowerCase().includes(w))
    );
  });
}
