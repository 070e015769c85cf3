import type { PciDevice } from "@vfleet/protocol";
import type { AuditRule } from "../types.ts";
import { capLines, notApplicable, result } from "../rule-helpers.ts";

/**
 * VF count vs firmware limit vs wanted. Sources: DOMAIN.md (sriov_totalvfs is the ceiling; ERANGE
 * above it; EBUSY unless 0 is written first), seed 000 (ConnectX-5 VFs disabled in firmware by
 * default: `mstconfig -d <bdf> set SRIOV_EN=1 NUM_OF_VFS=16`, reboot), seed 001 (RHEL SR-IOV).
 */
const MELLANOX = "15b3";

function firmwareCommand(pf: PciDevice, n: number): string {
  if (pf.vendorId === MELLANOX) return `mstconfig -d ${pf.address} set SRIOV_EN=1 NUM_OF_VFS=${n}   # then reboot (firmware setting)`;
  return `Raise the VF limit of ${pf.address} to ${n} in the adapter firmware / system BIOS (SR-IOV setting); sriov_totalvfs is that limit.`;
}

const setCount = (pf: string, n: number) =>
  `echo 0 > /sys/bus/pci/devices/${pf}/sriov_numvfs && echo ${n} > /sys/bus/pci/devices/${pf}/sriov_numvfs`;

export const sriovVfCountRule: AuditRule = {
  id: "sriov.vf-count",
  title: "VF count within the firmware limit and as wanted",
  layer: "sriov",
  run({ inventory, options }) {
    const pfs = inventory.devices.filter((d) => d.sriov !== null);
    if (pfs.length === 0) return notApplicable("no SR-IOV capable device (no sriov_totalvfs under /sys/bus/pci/devices)");
    const wanted = options.wantedVfs ?? {};
    for (const pf of Object.keys(wanted)) {
      if (!pfs.some((d) => d.address === pf))
        return result("fail", [`wanted VFs on ${pf}, which is not an SR-IOV PF on this host`], "Check the PF address in the plan.");
    }
    let status: "pass" | "warn" | "fail" = "pass";
    const evidence: string[] = [];
    const fixes: string[] = [];
    for (const pf of pfs) {
      const s = pf.sriov!;
      const want = wanted[pf.address];
      const name = pf.netInterfaces[0] ? `${pf.netInterfaces[0]}, ` : "";
      evidence.push(
        `/sys/bus/pci/devices/${pf.address} (${name}${pf.driver ?? "no driver"}): sriov_numvfs=${s.numVfs} sriov_totalvfs=${s.totalVfs}${want === undefined ? "" : ` wanted=${want}`}`,
      );
      if (want !== undefined && want > s.totalVfs) {
        status = "fail";
        evidence.push(`${pf.address}: ${want} wanted > firmware limit ${s.totalVfs}: writing it would fail with ERANGE`);
        fixes.push(firmwareCommand(pf, want), setCount(pf.address, want));
      } else if (want !== undefined && s.numVfs < want) {
        status = "fail";
        fixes.push(setCount(pf.address, want));
      } else if (want !== undefined && s.numVfs > want) {
        if (status === "pass") status = "warn";
        evidence.push(`${pf.address}: ${s.numVfs - want} more VFs than wanted`);
      } else if (want === undefined && s.totalVfs === 0) {
        if (status === "pass") status = "warn";
        evidence.push(`${pf.address}: SR-IOV capability present but the firmware allows 0 VFs`);
        fixes.push(firmwareCommand(pf, 16));
      }
    }
    return result(status, capLines(evidence, 24), fixes.length > 0 ? fixes.join("\n") : null);
  },
};
