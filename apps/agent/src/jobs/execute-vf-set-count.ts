import type { DeviceFacts } from "@vfleet/core";
import type { VfSetCountJob } from "@vfleet/protocol";
import type { z } from "zod";
import { HostIOError } from "../host-io/index.ts";
import { devAttr, type ExecContext, type ExecOutcome } from "./exec-context.ts";
import { TIMEOUT_ADVICE, toJobFailure } from "./explain-host-error.ts";
import { JobFailure } from "./job-failure.ts";
import { assignedVfs, checkAdopted, checkHostCritical, checkVfsUnassigned, enforce } from "./safety/index.ts";

type Params = z.infer<typeof VfSetCountJob>["params"];

async function readVfs(ctx: ExecContext, pf: string, n: number): Promise<string[]> {
  return (await Promise.all(Array.from({ length: n }, (_, i) => ctx.io.readSysfsLink(devAttr(pf, `virtfn${i}`))))).filter(
    (v): v is string => v !== null,
  );
}

/**
 * vf.set-count: the kernel takes a new non-zero count only from 0, so 4 -> 8 is "0, then 8",
 * done only when no guest holds a VF. Same count: nothing written. Every write is read back:
 * a driver that returns success and does nothing (hns3) is caught here.
 */
export async function executeVfSetCount(p: Params, ctx: ExecContext): Promise<ExecOutcome> {
  // The PF, its VFs (a change destroys them all), their groups and interfaces, and the guests.
  const inv = await ctx.io.scanDevices([p.pf], { withVfs: true, withGuests: true });
  const d = inv.devices.find((x) => x.address === p.pf);
  if (!d)
    throw new JobFailure(
      "ENODEV",
      `no PCI device ${p.pf}`,
      `There is no device at ${p.pf} on this host (check the address with lspci -D).`,
    );
  if (!d.sriov)
    throw new JobFailure(
      "not-sriov",
      `${p.pf} has no sriov_numvfs`,
      `${p.pf} (driver ${d.driver ?? "none"}) is not an SR-IOV physical function, or its SR-IOV capability is off in firmware (Mellanox: mstconfig -d ${p.pf} set SRIOV_EN=1).`,
    );
  const numvfs = devAttr(p.pf, "sriov_numvfs");
  const { numVfs: have, totalVfs: total } = d.sriov;
  ctx.step(`read ${numvfs}`, "done", `${have} VFs (sriov_totalvfs ${total})`);
  if (p.count > total) {
    throw new JobFailure(
      "ERANGE",
      `params.count ${p.count} is above sriov_totalvfs ${total} of ${p.pf}`,
      `params.count must be at most ${total}: the PF offers ${total} VFs (the firmware/driver limit). For more, raise the firmware limit (Mellanox: mstconfig -d ${p.pf} set NUM_OF_VFS=<n>, then reboot).`,
    );
  }
  if (have === p.count) {
    ctx.step(`write ${numvfs} = ${p.count}`, "skipped", `already ${have}`);
    return { changed: false, observed: { numVfs: have, totalVfs: total, vfs: d.sriov.vfs } };
  }
  enforce(
    checkAdopted(inv, ctx.policy, p.pf),
    checkHostCritical(inv, ctx.policy, p.pf, "change the VF count of"),
    have > 0 ? checkVfsUnassigned(inv, p.pf, p.count) : null,
    // Any change goes through 0, which destroys every VF: none of them may carry host traffic.
    ...d.sriov.vfs.map((vf) => checkHostCritical(inv, ctx.policy, vf, `destroy (via ${p.pf}'s VF count)`)),
  );

  const write = async (value: number) => {
    try {
      await ctx.io.writeSysfs(numvfs, String(value));
    } catch (err) {
      ctx.step(`write ${numvfs} = ${value}`, "failed", err instanceof Error ? err.message : String(err));
      throw explainNumvfsError(err, p.pf, value, inv);
    }
    const back = Number(await ctx.io.readSysfs(numvfs));
    if (back !== value) {
      ctx.step(`write ${numvfs} = ${value}`, "failed", `read back ${back}`);
      throw new JobFailure(
        "readback-mismatch",
        `wrote ${value} to ${numvfs}, read back ${back}`,
        `The driver of ${p.pf} (${d.driver}) accepted the write but did not change the VF count: some drivers return success and do nothing (hns3 does so for 0 while VFs are in use). Check dmesg; the host is unchanged at ${back} VFs.`,
      );
    }
    ctx.step(`write ${numvfs} = ${value}`, "done", `read back ${back}`);
  };
  if (have > 0) await write(0);
  if (p.count > 0) await write(p.count);
  const vfs = await readVfs(ctx, p.pf, p.count);
  return { changed: true, observed: { numVfs: p.count, totalVfs: total, vfs } };
}

function explainNumvfsError(err: unknown, pf: string, value: number, inv: DeviceFacts): JobFailure {
  if (!(err instanceof HostIOError)) return toJobFailure(err);
  const d = inv.devices.find((x) => x.address === pf)!;
  const have = d.sriov!.numVfs;
  const { vfs, guests } = assignedVfs(inv, pf);
  const held = vfs.length > 0 ? `, and ${vfs.length} of them are attached to guests (${guests.join(", ")})` : "";
  const msg = [err.operation, err.hostMessage, err.kernelLog].filter(Boolean).join(": ");
  switch (err.code) {
    case "EBUSY":
      if (value === 0)
        return new JobFailure(
          "EBUSY",
          msg,
          `The driver of ${pf} refuses to destroy its ${have} VFs while they are in use${held}. Detach them from the guests first, then run the job again.`,
        );
      return new JobFailure("EBUSY", msg, `The PF already has ${have} VFs: the kernel refuses a new count until it is set to 0${held}.`);
    case "EINVAL":
      if (value === 0)
        return new JobFailure(
          "EINVAL",
          msg,
          `The driver of ${pf} (${d.driver}) refused to destroy its ${have} VFs (i40e answers EINVAL while VFs are assigned)${held}. Detach them from the guests first.`,
        );
      return new JobFailure("EINVAL", msg, `The kernel did not accept ${value} for ${pf}.`);
    case "ERANGE":
      return new JobFailure("ERANGE", msg, `${value} is above what the PF offers (sriov_totalvfs ${d.sriov!.totalVfs}).`);
    case "ENOENT":
      return new JobFailure(
        "ENOENT",
        msg,
        `The PF's driver (${d.driver ?? "none bound"}) cannot create VFs through sysfs: no driver is bound, or it has no SR-IOV support (vfio-pci and pci-stub do not). Bind ${pf} to its network driver first.`,
      );
    case "ETIMEDOUT":
      return new JobFailure("ETIMEDOUT", msg, `The driver of ${pf} did not finish setting ${value} VFs. ${TIMEOUT_ADVICE}`);
    default:
      return toJobFailure(err);
  }
}
