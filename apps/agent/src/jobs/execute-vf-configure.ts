import { vfConfigureArgs, vfOf } from "@vfleet/core";
import type { VfConfigureJob, VfNetConfig } from "@vfleet/protocol";
import type { z } from "zod";
import { parseVfinfoList } from "../scan/parse-vfinfo-list.ts";
import type { ExecContext, ExecOutcome } from "./exec-context.ts";
import { toJobFailure } from "./explain-host-error.ts";
import { JobFailure } from "./job-failure.ts";
import { checkAdopted, checkHostCritical, enforce } from "./safety/index.ts";

type Params = z.infer<typeof VfConfigureJob>["params"];

/**
 * vf.configure: read the VF's settings from `ip -json -details link show dev <pf>`, send one
 * `ip link set dev <pf> vf <n> ...` with only the settings that differ, and read them back
 * (a driver may accept a setting and ignore it). Settings the job leaves out stay as they are.
 */
export async function executeVfConfigure(p: Params, ctx: ExecContext): Promise<ExecOutcome> {
  // The PF, then the VF at the index (when it exists): their interfaces are what the checks read.
  const pfOnly = await ctx.io.scanDevices([p.pf]);
  const vfAddress = pfOnly.devices.find((x) => x.address === p.pf)?.sriov?.vfs[p.vf];
  const inv = vfAddress ? await ctx.io.scanDevices([p.pf, vfAddress]) : pfOnly;
  const d = inv.devices.find((x) => x.address === p.pf);
  if (!d?.sriov)
    throw new JobFailure(
      d ? "not-sriov" : "ENODEV",
      `${p.pf} is ${d ? "not an SR-IOV PF" : "not on this host"}`,
      `VF settings live on an SR-IOV PF; ${p.pf} is ${d ? "not one" : "not a PCI device here (check lspci -D)"}.`,
    );
  const ifname = d.netInterfaces[0];
  if (!ifname)
    throw new JobFailure(
      "no-netdev",
      `${p.pf} has no network interface`,
      `VF MAC/VLAN are set through the PF's netdev, and ${p.pf} (driver ${d.driver ?? "none"}) has none: bind it to its network driver first.`,
    );
  if (p.vf >= d.sriov.numVfs)
    throw new JobFailure(
      "EINVAL",
      `params.vf ${p.vf}: ${p.pf} has ${d.sriov.numVfs} VFs`,
      `params.vf must be below ${d.sriov.numVfs}: VF ${p.vf} does not exist on ${ifname}. Create more VFs first (vf.set-count).`,
    );
  // A VF's MAC/VLAN/link carry the traffic of its netdev: the host's own if it routes or bonds through it.
  const vf = vfOf(inv, p.pf, p.vf);
  enforce(checkAdopted(inv, ctx.policy, p.pf), vf ? checkHostCritical(inv, ctx.policy, vf, "reconfigure") : null);

  const read = async (): Promise<VfNetConfig> => {
    const cfg = parseVfinfoList(JSON.parse(await ctx.io.runIp(["-json", "-details", "link", "show", "dev", ifname]))).find(
      (c) => c.index === p.vf,
    );
    if (!cfg)
      throw new JobFailure(
        "EINVAL",
        `ip link show dev ${ifname} lists no VF ${p.vf}`,
        `The PF driver does not report VF ${p.vf}; the VF count may have changed. Run the job again.`,
      );
    return cfg;
  };
  const cur = await read().catch((err: unknown) => {
    throw toJobFailure(err);
  });
  ctx.step(`ip -json -details link show dev ${ifname}`, "done", JSON.stringify(cur));

  const wantVlan = p.vlan ?? cur.vlan ?? 0;
  const wantQos = p.qos ?? cur.qos ?? 0;
  if (wantQos > 0 && wantVlan === 0)
    throw new JobFailure(
      "bad-input",
      `params.qos ${wantQos} without a VLAN`,
      "params.qos is the 802.1p priority of the VF's VLAN tag: it needs params.vlan (1-4094).",
    );
  const args = vfConfigureArgs(cur, p);
  const command = ["link", "set", "dev", ifname, "vf", String(p.vf), ...args];
  if (args.length === 0) {
    ctx.step(`ip ${command.join(" ")}`, "skipped", "VF already has these settings");
    return { changed: false, observed: { interface: ifname, vf: cur } };
  }
  try {
    await ctx.io.runIp(command);
    ctx.step(`ip ${command.join(" ")}`, "done", null);
  } catch (err) {
    ctx.step(`ip ${command.join(" ")}`, "failed", err instanceof Error ? err.message : String(err));
    // rtnetlink applies a VF's settings one by one and stops at the first the driver refuses (igb has
    // no link-state op): the ones before it are in place. Read back, so the result says what changed.
    const after = await read().catch(() => null);
    if (after === null || JSON.stringify(after) === JSON.stringify(cur)) throw toJobFailure(err);
    ctx.step(`ip -json -details link show dev ${ifname}`, "done", JSON.stringify(after));
    const failure = toJobFailure(err);
    throw new JobFailure(
      failure.code,
      failure.hostMessage,
      `${failure.explanation} The kernel applied part of it before refusing: VF ${p.vf} now reads ${describeVf(after)} (was ${describeVf(cur)}).`,
      { changed: true, observed: { interface: ifname, vf: after } },
    );
  }
  const after = await read();
  const wrong = [
    p.mac !== undefined && after.mac !== p.mac ? `mac ${after.mac}` : null,
    (p.vlan !== undefined || p.qos !== undefined) && ((after.vlan ?? 0) !== wantVlan || (after.qos ?? 0) !== wantQos)
      ? `vlan ${after.vlan} qos ${after.qos}`
      : null,
    p.spoofchk !== undefined && after.spoofchk !== p.spoofchk ? `spoofchk ${after.spoofchk}` : null,
    p.trust !== undefined && after.trust !== p.trust ? `trust ${after.trust}` : null,
    p.linkState !== undefined && after.linkState !== p.linkState ? `state ${after.linkState}` : null,
  ].filter(Boolean);
  if (wrong.length > 0)
    throw new JobFailure(
      "readback-mismatch",
      `after ip ${command.join(" ")}: VF ${p.vf} reads ${wrong.join(", ")}`,
      `The PF driver of ${ifname} accepted the settings but reports different ones: it ignored them (some drivers do for VFs in use, or without trust). Check dmesg.`,
    );
  return { changed: true, observed: { interface: ifname, vf: after } };
}

function describeVf(c: VfNetConfig): string {
  return `mac ${c.mac ?? "none"}, vlan ${c.vlan ?? 0} qos ${c.qos ?? 0}, spoofchk ${c.spoofchk ? "on" : "off"}, trust ${c.trust ? "on" : "off"}, state ${c.linkState}`;
}
