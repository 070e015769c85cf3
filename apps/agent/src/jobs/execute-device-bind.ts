import type { DeviceBindJob, Inventory } from "@vfleet/protocol";
import type { z } from "zod";
import { HostIOError } from "../host-io/index.ts";
import { devAttr, type ExecContext, type ExecOutcome, readOverride } from "./exec-context.ts";
import { toJobFailure } from "./explain-host-error.ts";
import { JobFailure } from "./job-failure.ts";
import { checkAdopted, checkGroupViable, checkHostCritical, enforce, guestsByDevice } from "./safety/index.ts";

type Params = z.infer<typeof DeviceBindJob>["params"];

/**
 * device.bind: `driver_override` + `unbind` + `drivers_probe` (DOMAIN.md), each step only when
 * the device is not already past it, so a run cut off between unbind and probe finishes on the
 * next run. Giving back clears the override with "\n" and probes the native driver.
 */
export async function executeDeviceBind(p: Params, ctx: ExecContext): Promise<ExecOutcome> {
  const { io } = ctx;
  const inv = await io.scan();
  const d = inv.devices.find((x) => x.address === p.device);
  if (!d) throw new JobFailure("ENODEV", `no PCI device ${p.device}`, `There is no device at ${p.device} on this host (check the address with lspci -D).`);
  const driverLink = devAttr(p.device, "driver");
  const readState = async () => ({ driver: await io.readSysfsLink(driverLink), override: await readOverride(io, p.device) });
  const before = await readState();
  ctx.step(`read ${driverLink} and driver_override`, "done", `driver ${before.driver ?? "none"}, driver_override ${before.override ?? "(null)"}`);

  const write = async (relPath: string, value: string) => {
    const shown = `write ${relPath} = ${JSON.stringify(value)}`;
    try {
      await io.writeSysfs(relPath, value);
      ctx.step(shown, "done", null);
    } catch (err) {
      ctx.step(shown, "failed", err instanceof Error ? err.message : String(err));
      throw toJobFailure(err, err instanceof HostIOError && err.code === "ETIMEDOUT" ? `${p.device}: ` : "");
    }
  };

  if (p.driver === "vfio-pci") {
    if (before.driver === "vfio-pci") {
      ctx.step(`bind ${p.device} to vfio-pci`, "skipped", "already bound to vfio-pci");
      return { changed: false, observed: before };
    }
    enforce(
      checkAdopted(inv, ctx.policy, p.device),
      checkHostCritical(inv, ctx.policy, p.device, "unbind"),
      checkPfWithVfs(inv, p.device),
      checkGroupViable(inv, p.device),
    );
    if (before.override !== "vfio-pci") await write(devAttr(p.device, "driver_override"), "vfio-pci");
    if (before.driver) await write(`sys/bus/pci/drivers/${before.driver}/unbind`, p.device);
    await write("sys/bus/pci/drivers_probe", p.device);
    const after = await readState();
    if (after.driver !== "vfio-pci") {
      throw new JobFailure("not-bound", `${p.device}: driver after drivers_probe is ${after.driver ?? "none"}, driver_override ${after.override ?? "(null)"}`,
        `vfio-pci did not take ${p.device}: is the vfio-pci module loaded (modprobe vfio-pci; ls /sys/bus/pci/drivers/vfio-pci)? The device is left ${after.driver ? `on ${after.driver}` : "without a driver, with driver_override=vfio-pci"}; running the job again finishes the binding once vfio-pci is available.`);
    }
    return { changed: true, observed: after };
  }

  // Give back to the host driver.
  if (before.driver !== null && before.driver !== "vfio-pci" && before.override === null) {
    ctx.step(`give ${p.device} back to its host driver`, "skipped", `already on ${before.driver}`);
    return { changed: false, observed: before };
  }
  const holders = guestsByDevice(inv).get(p.device) ?? [];
  const running = inv.guests.filter((g) => g.state === "running" && holders.includes(g.name)).map((g) => g.name);
  enforce(
    checkAdopted(inv, ctx.policy, p.device),
    running.length > 0 ? { code: "device-in-use", message: `${p.device} is assigned to running guest(s) ${running.join(", ")}`, explanation: `A running guest owns ${p.device} through vfio-pci; unbinding it would block or crash the guest. Detach it from ${running.join(", ")} (guest.detach with live) or stop the guest first.` } : null,
  );
  if (before.override !== null) await write(devAttr(p.device, "driver_override"), "\n");
  if (before.driver) await write(`sys/bus/pci/drivers/${before.driver}/unbind`, p.device);
  await write("sys/bus/pci/drivers_probe", p.device);
  const after = await readState();
  if (after.override !== null) throw new JobFailure("readback-mismatch", `${p.device}: driver_override still reads ${after.override}`, "The kernel kept driver_override after it was cleared; check dmesg.");
  if (after.driver === null || after.driver === "vfio-pci") {
    throw new JobFailure("no-host-driver", `${p.device}: no host driver claimed it after drivers_probe (driver ${after.driver ?? "none"})`,
      `${p.device} is now without a driver: no loaded host driver matches it (its module may be blacklisted or not loaded — e.g. nouveau/amdgpu for GPUs, or the NIC's VF driver). Load the module (modprobe <name>) and run the job again, or bind it to vfio-pci.`);
  }
  return { changed: true, observed: after };
}

/** Unbinding a PF's driver disables SR-IOV and destroys its VFs: refuse while it has any. */
function checkPfWithVfs(inv: Inventory, bdf: string) {
  const d = inv.devices.find((x) => x.address === bdf);
  if (!d?.sriov || d.sriov.numVfs === 0) return null;
  return {
    code: "pf-has-vfs",
    message: `${bdf} is an SR-IOV PF with ${d.sriov.numVfs} VFs`,
    explanation: `Unbinding ${bdf} from ${d.driver} would disable SR-IOV and destroy its ${d.sriov.numVfs} VFs. Set its VF count to 0 first (vf.set-count) if the PF itself must go to vfio-pci.`,
  };
}
