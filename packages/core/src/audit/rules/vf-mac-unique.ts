import type { AuditRule } from "../types.ts";
import { capLines, notApplicable, result } from "../rule-helpers.ts";

/**
 * Each VF MAC is unique on the host and across the fleet (two guests with one MAC on one L2
 * segment break each other). Sources: DOMAIN.md (ip link set dev <pf> vf <n> mac; the
 * <mac address> of <interface type='hostdev'>), seed 001 (RHEL SR-IOV: MAC per VF).
 */
const ZERO_MAC = "00:00:00:00:00:00";

/** MAC -> VF addresses carrying it on one host: PF-side admin MACs and planned guest MACs. */
function collectVfMacs(ctx: Parameters<AuditRule["run"]>[0]): Map<string, Set<string>> {
  const macs = new Map<string, Set<string>>();
  const add = (mac: string | null, owner: string) => {
    if (!mac || mac === ZERO_MAC) return;
    const set = macs.get(mac) ?? new Set<string>();
    set.add(owner);
    macs.set(mac, set);
  };
  for (const d of ctx.inventory.devices) {
    const s = d.sriov;
    if (!s) continue;
    for (const c of s.vfConfigs) add(c.mac, s.vfs[c.index] ?? `${d.address} vf ${c.index}`);
  }
  for (const h of ctx.options.guest?.hostdevs ?? []) if (h.kind === "interface") add(h.mac, h.address);
  return macs;
}

export const vfMacUniqueRule: AuditRule = {
  id: "sriov.mac-unique",
  title: "VF MACs unique on the host and across the fleet",
  layer: "sriov",
  run(ctx) {
    const macs = collectVfMacs(ctx);
    if (macs.size === 0)
      return notApplicable("no VF MAC set on this host (ip -details link show: none, or all 00:00:00:00:00:00) and none planned");
    const self = ctx.inventory.host.hostname;
    const problems: string[] = [];
    for (const [mac, owners] of macs) {
      if (owners.size > 1) problems.push(`${mac} is on ${owners.size} VFs of this host: ${[...owners].join(", ")}`);
      const elsewhere = (ctx.options.fleetMacs?.get(mac) ?? []).filter((h) => h !== self);
      if (elsewhere.length > 0)
        problems.push(`${mac} (${[...owners].join(", ")}) is also used on host ${[...new Set(elsewhere)].join(", ")}`);
    }
    const evidence = [
      `${macs.size} VF MAC(s) from ip -details link show (vfinfo_list)${ctx.options.guest ? " and the guest XML" : ""}${ctx.options.fleetMacs ? `, compared with ${ctx.options.fleetMacs.size} MACs across the fleet` : ""}`,
    ];
    if (problems.length === 0) return result("pass", evidence);
    return result(
      "fail",
      [...evidence, ...capLines(problems)],
      "Give each VF its own MAC: `ip link set dev <pf> vf <n> mac 02:xx:xx:xx:xx:xx` (locally administered), or change <mac address='...'/> in the guest's <interface type='hostdev'>.",
    );
  },
};
