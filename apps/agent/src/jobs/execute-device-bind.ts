import type { DeviceBindJob } from "@vfleet/protocol";
import type { z } from "zod";
import { HostIOError } from "../host-io/index.ts";
import { devAttr, type ExecContext, type ExecOutcome, readOverride } from "./exec-context.ts";
import { toJobFailure } from "./explain-host-error.ts";
import { JobFailure } from "./job-failure.ts";
import { groupEndpoints } from "@vfleet/core";
import { checkAdopted, checkAssignable, checkGroupViable, checkHostCritical, enforce, guestsByDevice } from "./safety/index.ts";

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
  const readState = async (bdf: string) => ({ driver: await io.readSysfsLink(devAttr(bdf, "driver")), override: await readOverride(io, bdf) });
  const before = await readState(p.device);
  ctx.step(`read ${devAttr(p.device, "driver")} and driver_override`, "done", `driver ${before.driver ?? "none"}, driver_override ${before.override ?? "(null)"}`);

  const write = async (bdf: string, relPath: string, value: string) => {
    const shown = `write ${relPath} = ${JSON.stringify(value)}`;
    try {
      await io.writeSysfs(relPath, value);
      ctx.step(shown, "done", null);
    } catch (err) {
      ctx.step(shown, "failed", err instanceof Error ? err.message : String(err));
      throw toJobFailure(err, err instanceof HostIOError && err.code === "ETIMEDOUT" ? `${bdf}: ` : "");
    }
  };

  if (p.driver === "vfio-pci") {
    const members = p.group ? groupEndpoints(inv, p.device) : [p.device];
    const states = new Map([[p.device, before]]);
    for (const m of members) if (!states.has(m)) states.set(m, await readState(m));
    // A bridge already on vfio-pci (bound by hand) is still refused: it must not stay there either.
    enforce(checkAssignable(inv, p.device));
    const pending = members.filter((m) => states.get(m)!.driver !== "vfio-pci");
    const observed = () => (p.group ? { members: Object.fromEntries(states) } : states.get(p.device)!);
    if (pending.length === 0) {
      ctx.step(`bind ${members.join(", ")} to vfio-pci`, "skipped", "already bound to vfio-pci");
      return { changed: false, observed: observed() };
    }
    enforce(
      ...pending.flatMap((m) => [checkAdopted(inv, ctx.policy, m), checkHostCritical(inv, ctx.policy, m, "unbind"), checkAssignable(inv, m)]),
      checkGroupViable(inv, p.device, members),
    );
    for (const m of pending) {
      const was = states.get(m)!;
      if (was.override !== "vfio-pci") await write(m, devAttr(m, "driver_override"), "vfio-pci");
      if (was.driver) await write(m, `sys/bus/pci/drivers/${was.driver}/unbind`, m);
      await write(m, "sys/bus/pci/drivers_probe", m);
      const after = await readState(m);
      states.set(m, after);
      if (after.driver !== "vfio-pci") {
        throw new JobFailure("not-bound", `${m}: driver after drivers_probe is ${after.driver ?? "none"}, driver_override ${after.override ?? "(null)"}`,
          `vfio-pci did not take ${m}: is the vfio-pci module loaded (modprobe vfio-pci; ls /sys/bus/pci/drivers/vfio-pci)? The device is left ${after.driver ? `on ${after.driver}` : "without a driver, with driver_override=vfio-pci"}; running the job again finishes the binding once vfio-pci is available.`);
      }
    }
    return { changed: true, observed: observed() };
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
  if (before.override !== null) await write(p.device, devAttr(p.device, "driver_override"), "\n");
  if (before.driver) await write(p.device, `sys/bus/pci/drivers/${before.driver}/unbind`, p.device);
  await write(p.device, "sys/bus/pci/drivers_probe", p.device);
  const after = await readState(p.device);
  if (after.override !== null) throw new JobFailure("readback-mismatch", `${p.device}: driver_override still reads ${after.override}`, "The kernel kept driver_override after it was cleared; check dmesg.");
  if (after.driver === null || after.driver === "vfio-pci") {
    throw new JobFailure("no-host-driver", `${p.device}: no host driver claimed it after drivers_probe (driver ${after.driver ?? "none"})`,
      `${p.device} is now without a driver: no loaded host driver matches it (its module may be blacklisted or not loaded — e.g. nouveau/amdgpu for GPUs, or the NIC's VF driver). Load the module (modprobe <name>) and run the job again, or bind it to vfio-pci.`);
  }
  return { changed: true, observed: after };
}
