import type { VfNetState } from "../model/host-state.ts";
import { cloneState, fail, type KernelOutcome, ok, type SimHostState } from "./kernel-state.ts";

export type VfLinkSettings = Partial<VfNetState>;

/**
 * PF drivers without an rtnetlink op for a VF setting: the kernel answers EOPNOTSUPP for it.
 * igb (82576) has ndo_set_vf_mac/vlan/spoofchk/trust but no ndo_set_vf_link_state (seen on
 * Debian's 6.1 kernel with QEMU's igb: `state enable` gives "Operation not supported").
 */
const UNSUPPORTED: Record<string, ReadonlySet<keyof VfNetState>> = { igb: new Set(["linkState"]) };

/** The order in which rtnetlink's do_setvfinfo() applies a VF's settings; it stops at the first error. */
const APPLY_ORDER: (keyof VfNetState)[] = ["mac", "vlan", "spoofchk", "linkState", "trust"];

/**
 * `ip link set dev <pf> vf <n> ...` (rtnetlink IFLA_VF_*) on the PF driver: the VF must exist,
 * the MAC must be unicast, VLAN 0-4095 (the kernel takes 4095; only ip's callers reserve it),
 * QoS 0-7 (and only with a VLAN). Settings apply one by one in the kernel's order: one the
 * driver lacks fails with EOPNOTSUPP and leaves the ones before it applied.
 */
export function setVfLink(state: SimHostState, pfIfname: string, vf: number, settings: VfLinkSettings): KernelOutcome {
  const pf = [...state.functions.values()].find((f) => f.net?.ifname === pfIfname);
  if (!pf) return fail("ENODEV", `Cannot find device "${pfIfname}"`);
  if (!pf.sriov || !Number.isInteger(vf) || vf < 0 || vf >= pf.sriov.numVfs)
    return fail("EINVAL", `${pfIfname}: VF ${vf} does not exist (${pf.sriov?.numVfs ?? 0} VFs)`);
  if (
    settings.mac !== undefined &&
    (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(settings.mac) || (Number.parseInt(settings.mac.slice(0, 2), 16) & 1) === 1)
  ) {
    return fail("EINVAL", `${pfIfname}: VF ${vf}: invalid MAC ${settings.mac} (multicast or malformed)`);
  }
  if (settings.vlan !== undefined && (!Number.isInteger(settings.vlan) || settings.vlan < 0 || settings.vlan > 4095))
    return fail("EINVAL", `${pfIfname}: VF ${vf}: VLAN ${settings.vlan} out of range`);
  if (settings.qos !== undefined && (!Number.isInteger(settings.qos) || settings.qos < 0 || settings.qos > 7))
    return fail("EINVAL", `${pfIfname}: VF ${vf}: QoS ${settings.qos} out of range`);
  const next = cloneState(state);
  const cfg = next.functions.get(pf.bdf)!.sriov!.vfConfigs[vf]!;
  const unsupported = UNSUPPORTED[pf.driver ?? ""];
  for (const key of APPLY_ORDER) {
    if (settings[key] === undefined) continue;
    if (unsupported?.has(key)) {
      const applied = JSON.stringify(cfg) !== JSON.stringify(state.functions.get(pf.bdf)!.sriov!.vfConfigs[vf]);
      return {
        kind: "error",
        errno: "EOPNOTSUPP",
        kernelLog: `${pfIfname}: driver ${pf.driver} has no VF ${key === "linkState" ? "link state" : key} operation`,
        ...(applied ? { partial: { kind: "ok" as const, state: next, touched: [], removed: [], netChanged: [pf.bdf] } } : {}),
      };
    }
    if (key === "vlan") {
      cfg.vlan = settings.vlan!;
      cfg.qos = settings.qos ?? 0;
    } else Object.assign(cfg, { [key]: settings[key] });
  }
  // The VLAN's priority only exists with a VLAN: clearing the VLAN clears it.
  if (cfg.vlan === 0) cfg.qos = 0;
  return ok(next, [], [], [pf.bdf]);
}
