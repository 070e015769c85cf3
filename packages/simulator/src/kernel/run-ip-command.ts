import { renderIpLink } from "../render/render-ip-link.ts";
import { type KernelOutcome, matchesFault, type SimHostState, STRERROR } from "./kernel-state.ts";
import { setVfLink, type VfLinkSettings } from "./set-vf-link.ts";

/** What `ip` would print and exit with; `outcome` carries the new state when it changed something. */
export type IpResult = { exitCode: number; stdout: string; stderr: string; outcome: KernelOutcome | null };

const done = (stdout: string): IpResult => ({ exitCode: 0, stdout, stderr: "", outcome: null });
/** iproute2 exits 255 (-1) for argument errors and 2 for kernel (RTNETLINK) errors. */
const usage = (stderr: string): IpResult => ({ exitCode: 255, stdout: "", stderr: `${stderr}\n`, outcome: null });

const ON_OFF: Record<string, boolean> = { on: true, off: false };

/**
 * The two `ip` commands the agent uses, on the model: `ip -json -details link show dev <if>`
 * and `ip link set dev <pf> vf <n> [mac M] [vlan V [qos Q]] [spoofchk on|off] [trust on|off]
 * [state auto|enable|disable]`, with iproute2's own argument errors.
 */
export function runIpCommand(state: SimHostState, args: readonly string[]): IpResult {
  const a = [...args];
  if (a[0] === "-json" && a[1] === "-details" && a[2] === "link" && a[3] === "show" && a[4] === "dev" && a[5] && a.length === 6) {
    const pf = [...state.functions.values()].find((f) => f.net?.ifname === a[5]);
    if (!pf) return { exitCode: 1, stdout: "", stderr: `Device "${a[5]}" does not exist.\n`, outcome: null };
    if (pf.sriov) return done(renderIpLink(pf));
    return done(`${JSON.stringify([{ ifindex: pf.net!.ifindex, ifname: pf.net!.ifname, address: pf.net!.mac }])}\n`);
  }
  if (!(a[0] === "link" && a[1] === "set" && a[2] === "dev" && a[3] && a[4] === "vf"))
    return usage(`simulated ip: only "-json -details link show dev IF" and "link set dev IF vf N ..." are modelled, got: ${a.join(" ")}`);
  const ifname = a[3];
  if (!/^\d+$/.test(a[5] ?? "")) return usage(`Error: argument "${a[5] ?? ""}" is wrong: Invalid "vf" value`);
  const vf = Number(a[5]);
  const settings: VfLinkSettings = {};
  for (let i = 6; i < a.length; i += 2) {
    const word = a[i]!;
    const arg = a[i + 1];
    if (arg === undefined) return usage(`Command line is not complete. Try option "help"`);
    if (word === "mac") {
      if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(arg)) return usage(`Error: argument "${arg}" is wrong: Invalid "mac" value`);
      settings.mac = arg.toLowerCase();
    } else if (word === "vlan") {
      if (!/^\d+$/.test(arg) || Number(arg) > 4095) return usage(`Error: argument "${arg}" is wrong: Invalid "vlan" value`);
      settings.vlan = Number(arg);
    } else if (word === "qos") {
      if (settings.vlan === undefined) return usage(`Error: "qos" must follow "vlan"`);
      if (!/^\d+$/.test(arg)) return usage(`Error: argument "${arg}" is wrong: Invalid "qos" value`);
      settings.qos = Number(arg);
    } else if (word === "spoofchk" || word === "trust") {
      if (!(arg in ON_OFF)) return usage(`Error: argument "${arg}" is wrong: Invalid "${word}" value`);
      settings[word] = ON_OFF[arg]!;
    } else if (word === "state") {
      if (arg !== "auto" && arg !== "enable" && arg !== "disable") return usage(`Error: argument "${arg}" is wrong: Invalid "state" value`);
      settings.linkState = arg;
    } else {
      return usage(`Error: argument "${word}" is wrong: unknown vf option`);
    }
  }
  // ip sends a new VLAN with qos 0 unless qos is given (one IFLA_VF_VLAN attribute).
  if (settings.vlan !== undefined && settings.qos === undefined) settings.qos = 0;
  const key = `ip link set dev ${ifname} vf ${vf}`;
  if (matchesFault(state.faults?.hangOn, key)) return { exitCode: -1, stdout: "", stderr: "", outcome: { kind: "hang" } };
  let outcome = setVfLink(state, ifname, vf, settings);
  if (outcome.kind === "ok" && matchesFault(state.faults?.silentNoop, key))
    outcome = { kind: "ok", state, touched: [], removed: [], netChanged: [] };
  if (outcome.kind === "error") {
    if (outcome.errno === "ENODEV") return { exitCode: 1, stdout: "", stderr: `${outcome.kernelLog}\n`, outcome };
    return { exitCode: 2, stdout: "", stderr: `RTNETLINK answers: ${STRERROR[outcome.errno]}\n`, outcome };
  }
  return { exitCode: 0, stdout: "", stderr: "", outcome };
}
