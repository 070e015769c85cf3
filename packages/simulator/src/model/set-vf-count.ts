import { parseBdf } from "./bdf.ts";
import { allocateIommuGroup } from "./allocate-iommu-group.ts";
import type { HostState, PciFunction, VfNetState } from "./host-state.ts";
import { localMac, MAC_KIND } from "./local-mac.ts";
import { vfAddress } from "./vf-address.ts";
import { loadDriverModule } from "./load-driver-module.ts";

const DEFAULT_VF_CONFIG: VfNetState = { mac: "00:00:00:00:00:00", vlan: 0, qos: 0, spoofchk: true, trust: false, linkState: "auto" };

/**
 * Create or destroy a PF's VFs in the model, as the kernel's sriov_enable()/sriov_disable()
 * do once a driver accepted the request: VFs appear as PCI functions beside the PF (same
 * parent bridge), get their own IOMMU group and, with autoprobe, bind to the VF driver.
 * Policy checks (ERANGE/EBUSY/...) belong to the caller that models the sysfs write.
 */
export function setVfCount(state: HostState, pfBdf: string, count: number): void {
  const pf = state.functions.get(pfBdf);
  if (!pf?.sriov) throw new Error(`${pfBdf} is not an SR-IOV physical function`);
  const sriov = pf.sriov;
  const limit = sriov.driverMaxVfs ?? sriov.totalVfs;
  if (!Number.isInteger(count) || count < 0 || count > limit) {
    throw new Error(`VF count for ${pfBdf} must be an integer from 0 to ${limit} (sriov_totalvfs), got ${count}`);
  }
  for (const vf of sriov.vfs) state.functions.delete(vf);
  sriov.vfs = [];
  sriov.numVfs = 0;
  for (let i = 0; i < count; i++) {
    const bdf = vfAddress(pfBdf, sriov.offset, sriov.stride, i);
    const clash = state.functions.get(bdf);
    if (clash)
      throw new Error(
        `VF ${i} of ${pfBdf} would be ${bdf}, which ${clash.physfn ? `is VF ${clash.vfIndex} of ${clash.physfn}` : "already exists"}`,
      );
    sriov.vfConfigs[i] ??= { ...DEFAULT_VF_CONFIG };
    const driver = sriov.driversAutoprobe ? sriov.vfDriver : null;
    if (driver) loadDriverModule(state, driver);
    const addr = parseBdf(bdf);
    const vf: PciFunction = {
      bdf,
      vendorId: pf.vendorId,
      deviceId: sriov.vfDeviceId,
      subsystemVendorId: pf.subsystemVendorId,
      subsystemDeviceId: pf.subsystemDeviceId,
      classCode: pf.classCode,
      revision: pf.revision,
      driver,
      driverOverride: null,
      parent: pf.parent,
      bridge: null,
      pcie: "endpoint",
      // VF link registers are reserved (PCIe SR-IOV spec): the kernel shows no link attributes.
      link: null,
      msixVectors: sriov.vfMsixVectors,
      numaNode: pf.numaNode,
      iommuGroup: null,
      net: null,
      sriov: null,
      physfn: pfBdf,
      vfIndex: i,
    };
    state.functions.set(bdf, vf);
    if (state.spec.iommu.enabled) vf.iommuGroup = allocateIommuGroup(state);
    if (driver && sriov.vfNetdevs && pf.net) {
      vf.net = {
        ifname: `${pf.net.ifname}v${i}`,
        mac: localMac(MAC_KIND.vfNetdev, addr.bus, addr.devfn, i),
        carrier: pf.net.carrier,
        speedMbps: pf.net.speedMbps,
        ifindex: state.nextIfindex++,
      };
    }
    sriov.vfs.push(bdf);
  }
  sriov.numVfs = count;
}
