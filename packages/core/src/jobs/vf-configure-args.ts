import type { Job, VfNetConfig } from "@vfleet/protocol";

type Params = Extract<Job, { kind: "vf.configure" }>["params"];

/**
 * The `ip link set dev <pf> vf <n> …` arguments that bring a VF from `current` to what the job asks,
 * naming only what differs (empty: nothing to run). One function for the agent, which runs them,
 * and the preview, which shows them. VLAN and QoS travel together: `ip` sets them as one tag.
 */
export function vfConfigureArgs(current: VfNetConfig | null, p: Params): string[] {
  const vlan = p.vlan ?? current?.vlan ?? 0;
  const qos = p.qos ?? current?.qos ?? 0;
  const onOff = (b: boolean) => (b ? "on" : "off");
  const args: string[] = [];
  if (p.mac !== undefined && current?.mac !== p.mac) args.push("mac", p.mac);
  if ((p.vlan !== undefined || p.qos !== undefined) && (vlan !== (current?.vlan ?? 0) || qos !== (current?.qos ?? 0))) {
    args.push("vlan", String(vlan), ...(qos > 0 ? ["qos", String(qos)] : []));
  }
  if (p.spoofchk !== undefined && current?.spoofchk !== p.spoofchk) args.push("spoofchk", onOff(p.spoofchk));
  if (p.trust !== undefined && current?.trust !== p.trust) args.push("trust", onOff(p.trust));
  if (p.linkState !== undefined && current?.linkState !== p.linkState) args.push("state", p.linkState);
  return args;
}
