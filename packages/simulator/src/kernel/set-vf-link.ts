import type { VfNetState } from "../model/host-state.ts";
import { cloneState, fail, type KernelOutcome, ok, type SimHostState } from "./kernel-state.ts";

export type VfLinkSettings = Partial<VfNetState>;

/**
 * `ip link set dev <pf> vf <n> ...` (rtnetlink IFLA_VF_*) on the PF driver: the VF must exist,
 * the MAC must be unicast, VLAN 0-4095 exclusive of 4095, QoS 0-7 (and only with a VLAN).
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
  if (settings.vlan !== undefined && (!Number.isInteger(settings.vlan) || settings.vlan < 0 || settings.vlan > 4094))
    return fail("EINVAL", `${pfIfname}: VF ${vf}: VLAN ${settings.vlan} out of range`);
  if (settings.qos !== undefined && (!Number.isInteger(settings.qos) || settings.qos < 0 || settings.qos > 7))
    return fail("EINVAL", `${pfIfname}: VF ${vf}: QoS ${settings.qos} out of range`);
  const next = cloneState(state);
  const cfg = next.functions.get(pf.bdf)!.sriov!.vfConfigs[vf]!;
  Object.assign(cfg, Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)));
  // The VLAN's priority only exists with a VLAN: clearing the VLAN clears it.
  if (cfg.vlan === 0) cfg.qos = 0;
  return ok(next, [], [], [pf.bdf]);
}
