import type { Inventory } from "@vfleet/protocol";

/**
 * References inside one inventory that a kernel keeps consistent, so a snapshot breaking one is a
 * lie or corruption: refused with the exact field (pure), before anything is stored. IOMMU group
 * membership is stored once (PciDevice.iommuGroup), so `iommuGroups[].devices` must agree with the
 * devices; addresses, group ids, interface and guest names are unique (the database keys would
 * otherwise fail the whole store); a PF's VFs are listed devices whose physfn is that PF, never
 * more than sriov_totalvfs (the kernel refuses a higher sriov_numvfs).
 */
export function checkInventoryRefs(inventory: Inventory): void {
  const problem = findInventoryRefError(inventory);
  if (problem) throw new Error(problem);
}

/** The first reference that does not hold, as a message naming the field; null when all hold. */
export function findInventoryRefError(inventory: Inventory): string | null {
  return findDuplicate(inventory) ?? findSriovRefError(inventory) ?? findGroupRefError(inventory);
}

function findDuplicate(inventory: Inventory): string | null {
  const lists: Array<[string, string[]]> = [
    ["devices", inventory.devices.map((d) => d.address)],
    ["iommuGroups", inventory.iommuGroups.map((g) => String(g.id))],
    ["interfaces", inventory.interfaces.map((i) => i.name)],
    ["guests", inventory.guests.map((g) => g.name)],
  ];
  for (const [field, keys] of lists) {
    const seen = new Set<string>();
    for (const [i, k] of keys.entries()) {
      if (seen.has(k)) return `inventory.${field}[${i}]: ${k} is listed twice`;
      seen.add(k);
    }
  }
  return null;
}

function findSriovRefError(inventory: Inventory): string | null {
  const byAddress = new Map(inventory.devices.map((d) => [d.address, d]));
  for (const [i, d] of inventory.devices.entries()) {
    const at = `inventory.devices[${i}]`;
    if (d.physfn !== null && !byAddress.get(d.physfn)?.sriov) return `${at}.physfn: ${d.physfn} is not an SR-IOV PF in inventory.devices`;
    if (!d.sriov) continue;
    const { totalVfs, numVfs, vfs, vfConfigs } = d.sriov;
    if (numVfs > totalVfs) return `${at}.sriov.numVfs: ${numVfs} is above sriov.totalVfs ${totalVfs} (the kernel refuses it)`;
    if (vfs.length > totalVfs) return `${at}.sriov.vfs: ${vfs.length} VFs listed, above sriov.totalVfs ${totalVfs}`;
    for (const [k, vf] of vfs.entries()) {
      const v = byAddress.get(vf);
      if (!v) return `${at}.sriov.vfs[${k}]: ${vf} is not in inventory.devices`;
      if (v.physfn !== d.address) return `${at}.sriov.vfs[${k}]: ${vf} has physfn ${v.physfn} in inventory.devices, not ${d.address}`;
    }
    const bad = vfConfigs.findIndex((c) => c.index >= totalVfs);
    if (bad >= 0) return `${at}.sriov.vfConfigs[${bad}].index: ${vfConfigs[bad]!.index} is not below sriov.totalVfs ${totalVfs}`;
  }
  return null;
}

function findGroupRefError(inventory: Inventory): string | null {
  const groupOf = new Map<string, number | null>(inventory.devices.map((d) => [d.address, d.iommuGroup]));
  const listed = new Set<string>();
  let problem: string | null = null;
  inventory.iommuGroups.forEach((group, g) => {
    group.devices.forEach((address, i) => {
      if (!groupOf.has(address)) {
        problem ??= `inventory.iommuGroups[${g}].devices[${i}]: ${address} is not in inventory.devices`;
      }
      if (groupOf.get(address) !== group.id) {
        problem ??= `inventory.iommuGroups[${g}].devices[${i}]: ${address} has iommuGroup ${groupOf.get(address)} in inventory.devices, not ${group.id}`;
      }
      listed.add(address);
    });
  });
  inventory.devices.forEach((device, i) => {
    if (device.iommuGroup !== null && !listed.has(device.address)) {
      problem ??= `inventory.devices[${i}]: ${device.address} has iommuGroup ${device.iommuGroup} but no inventory.iommuGroups entry lists it`;
    }
  });
  return problem;
}
