import type { AuditRule } from "../types.ts";
import { capLines, notApplicable, result } from "../rule-helpers.ts";

/**
 * VLAN as planned: the VF's admin VLAN on the PF matches the guest's <vlan><tag id>. libvirt
 * applies the tag at guest start, so a difference only matters while the guest runs. Sources:
 * DOMAIN.md (ip link set dev <pf> vf <n> vlan <id>; <interface type='hostdev'><vlan>).
 */
export const vfVlanRule: AuditRule = {
  id: "sriov.vlan",
  title: "VF VLANs as planned",
  layer: "sriov",
  run(ctx) {
    const guest = ctx.options.guest;
    const planned = (guest?.hostdevs ?? []).filter((h) => h.kind === "interface" && h.vlan !== null);
    if (!guest || planned.length === 0) return notApplicable("no VLAN planned (no <vlan><tag> on an <interface type='hostdev'>)");
    const evidence: string[] = [];
    const problems: string[] = [];
    const fixes: string[] = [];
    for (const h of planned) {
      const vf = ctx.deviceByAddress.get(h.address);
      const pf = ctx.pfOfVf.get(h.address);
      if (!vf || !pf || vf.vfIndex === null) {
        problems.push(`${h.address}: VLAN ${h.vlan} planned, but it is not an SR-IOV VF: <vlan> on a hostdev interface needs a VF`);
        continue;
      }
      const current = pf.sriov?.vfConfigs.find((c) => c.index === vf.vfIndex)?.vlan ?? null;
      const ifname = pf.netInterfaces[0] ?? pf.address;
      const line = `${h.address} (vf ${vf.vfIndex} of ${ifname}): planned VLAN ${h.vlan}, PF reports ${current === null || current === 0 ? "none" : current}`;
      evidence.push(line);
      if (current !== h.vlan && guest.state === "running") {
        problems.push(`${h.address}: guest ${guest.name} runs with VLAN ${current ?? "none"}, planned ${h.vlan}`);
        fixes.push(`ip link set dev ${ifname} vf ${vf.vfIndex} vlan ${h.vlan}`);
      }
    }
    if (problems.length === 0) {
      return result("pass", [
        ...capLines(evidence),
        ...(guest.state === "running" ? [] : ["libvirt sets each planned VLAN on the PF at guest start"]),
      ]);
    }
    return result(
      "fail",
      [...capLines(evidence), ...problems],
      fixes.length > 0 ? fixes.join("\n") : "Pass a VF (not a PF or a plain NIC) when the interface carries a <vlan>.",
    );
  },
};
