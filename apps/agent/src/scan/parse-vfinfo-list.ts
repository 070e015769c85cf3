import type { VfNetConfig } from "@vfleet/protocol";

const ZERO_MAC = "00:00:00:00:00:00";
type Obj = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === "number" && Number.isInteger(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === "boolean" ? v : null);

/**
 * VF settings from `ip -json -details link show dev <pf>` output (iproute2 print_vfinfo):
 * `[{ ..., vfinfo_list: [{ vf, address|mac, vlan_list: [{vlan, qos}] | vlan, qos, spoofchk,
 * trust, link_state }] }]`. iproute2 prints vlan/qos only when non-zero, so a missing one
 * means 0. An all-zero MAC means "not set" (null).
 */
export function parseVfinfoList(json: unknown): VfNetConfig[] {
  const link = (Array.isArray(json) ? json[0] : json) as Obj | undefined;
  const list = link && Array.isArray(link.vfinfo_list) ? (link.vfinfo_list as Obj[]) : [];
  const out: VfNetConfig[] = [];
  for (const vf of list) {
    const index = num(vf.vf);
    if (index === null || index < 0) continue;
    const macRaw = typeof vf.address === "string" ? vf.address : typeof vf.mac === "string" ? vf.mac : null;
    const mac = macRaw && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(macRaw) && macRaw !== ZERO_MAC ? macRaw.toLowerCase() : null;
    const vlanEntry = Array.isArray(vf.vlan_list) ? ((vf.vlan_list[0] ?? {}) as Obj) : vf;
    const vlan = num(vlanEntry.vlan) ?? 0;
    const qos = num(vlanEntry.qos) ?? 0;
    const linkState = vf.link_state === "auto" || vf.link_state === "enable" || vf.link_state === "disable" ? vf.link_state : null;
    out.push({
      index,
      mac,
      vlan: vlan >= 0 && vlan <= 4094 ? vlan : null,
      qos: qos >= 0 && qos <= 7 ? qos : null,
      spoofchk: bool(vf.spoofchk),
      trust: bool(vf.trust),
      linkState,
    });
  }
  return out.sort((a, b) => a.index - b.index);
}
