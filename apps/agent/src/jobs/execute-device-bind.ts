import { bindDevices, type DeviceBindParams } from "@vfleet/protocol";
import { type DeviceFacts, groupEndpoints } from "@vfleet/core";
import { HostIOError } from "../host-io/index.ts";
import { devAttr, type ExecContext, type ExecOutcome, readOverride } from "./exec-context.ts";
import { toJobFailure } from "./explain-host-error.ts";
import { JobFailure } from "./job-failure.ts";
import { checkAdopted, checkAssignable, checkGroupViable, checkHostCritical, enforce, guestsByDevice } from "./safety/index.ts";

type BindState = { driver: string | null; override: string | null };

/**
 * device.bind: `driver_override` + `unbind` + `drivers_probe` (DOMAIN.md), each step only when
 * the device is not already past it, so a run cut off between unbind and probe finishes on the
 * next run. Giving back clears the override with "\n" and probes the native driver.
 * A list (`devices`) is checked whole before the first write: one refusal changes none of them.
 * The checks read only the devices named, their IOMMU groups and interfaces (io.scanDevices).
 */
export async function executeDeviceBind(p: DeviceBindParams, ctx: ExecContext): Promise<ExecOutcome> {
  const { io } = ctx;
  const named = bindDevices(p);
  const inv = await io.scanDevices(named, { withGuests: p.driver === "host" });
  for (const bdf of named) {
    if (!inv.devices.some((x) => x.address === bdf))
      throw new JobFailure(
        "ENODEV",
        `no PCI device ${bdf}`,
        `There is no device at ${bdf} on this host (check the address with lspci -D).`,
      );
  }
  const readState = async (bdf: string): Promise<BindState> => ({
    driver: await io.readSysfsLink(devAttr(bdf, "driver")),
    override: await readOverride(io, bdf),
  });
  const states = new Map<string, BindState>();
  for (const bdf of named) states.set(bdf, await readState(bdf));
  const shown = (s: BindState) => `driver ${s.driver ?? "none"}, driver_override ${s.override ?? "(null)"}`;
  // One step for a list's reads: each step is a record on the control plane, the writes are what matter.
  if (p.devices)
    ctx.step(
      `read driver and driver_override of ${named.length} devices`,
      "done",
      named.map((b) => `${b}: ${shown(states.get(b)!)}`).join("\n"),
    );
  else ctx.step(`read ${devAttr(named[0]!, "driver")} and driver_override`, "done", shown(states.get(named[0]!)!));
  // A list records each device's writes as one step (`write a = "x", b = "y", c = "z"`): every
  // step is a record on the control plane, and a PF's VFs would make three each.
  const written: string[] = [];
  const flush = () => {
    if (written.length > 0) ctx.step(`write ${written.splice(0).join(", ")}`, "done", null);
  };
  const write = async (bdf: string, relPath: string, value: string) => {
    const shown = `${relPath} = ${JSON.stringify(value)}`;
    try {
      await io.writeSysfs(relPath, value);
      if (p.devices) written.push(shown);
      else ctx.step(`write ${shown}`, "done", null);
    } catch (err) {
      flush();
      ctx.step(`write ${shown}`, "failed", err instanceof Error ? err.message : String(err));
      throw toJobFailure(err, err instanceof HostIOError && err.code === "ETIMEDOUT" ? `${bdf}: ` : "");
    }
  };
  const observed = (members: readonly string[]) =>
    p.devices
      ? { devices: Object.fromEntries(named.map((b) => [b, states.get(b)!])) }
      : p.group
        ? { members: Object.fromEntries(members.map((m) => [m, states.get(m)!])) }
        : states.get(named[0]!)!;

  if (p.driver === "vfio-pci") {
    const members = p.group ? groupEndpoints(inv, named[0]!) : named;
    for (const m of members) if (!states.has(m)) states.set(m, await readState(m));
    // A bridge already on vfio-pci (bound by hand) is still refused: it must not stay there either.
    enforce(...named.map((bdf) => checkAssignable(inv, bdf)));
    const pending = members.filter((m) => states.get(m)!.driver !== "vfio-pci");
    if (pending.length === 0) {
      ctx.step(`bind ${members.join(", ")} to vfio-pci`, "skipped", "already bound to vfio-pci");
      return { changed: false, observed: observed(members) };
    }
    enforce(
      ...pending.flatMap((m) => [
        checkAdopted(inv, ctx.policy, m),
        checkHostCritical(inv, ctx.policy, m, "unbind"),
        checkAssignable(inv, m),
      ]),
      ...named.map((bdf) => checkGroupViable(inv, bdf, members)),
    );
    for (const m of pending) {
      const was = states.get(m)!;
      if (was.override !== "vfio-pci") await write(m, devAttr(m, "driver_override"), "vfio-pci");
      if (was.driver) await write(m, `sys/bus/pci/drivers/${was.driver}/unbind`, m);
      await write(m, "sys/bus/pci/drivers_probe", m);
      flush();
      const after = await readState(m);
      states.set(m, after);
      if (after.driver !== "vfio-pci") {
        throw new JobFailure(
          "not-bound",
          `${m}: driver after drivers_probe is ${after.driver ?? "none"}, driver_override ${after.override ?? "(null)"}`,
          `vfio-pci did not take ${m}: is the vfio-pci module loaded (modprobe vfio-pci; ls /sys/bus/pci/drivers/vfio-pci)? The device is left ${after.driver ? `on ${after.driver}` : "without a driver, with driver_override=vfio-pci"}; running the job again finishes the binding once vfio-pci is available.`,
        );
      }
    }
    return { changed: true, observed: observed(members) };
  }

  // Give back to the host driver.
  const todo = named.filter((bdf) => {
    const s = states.get(bdf)!;
    return !(s.driver !== null && s.driver !== "vfio-pci" && s.override === null);
  });
  if (todo.length === 0) {
    ctx.step(
      `give ${named.join(", ")} back to ${named.length === 1 ? "its host driver" : "their host drivers"}`,
      "skipped",
      named.length === 1 ? `already on ${states.get(named[0]!)!.driver}` : "already on their host drivers",
    );
    return { changed: false, observed: observed(named) };
  }
  enforce(...todo.flatMap((bdf) => [checkAdopted(inv, ctx.policy, bdf), checkNotInRunningGuest(inv, bdf)]));
  for (const bdf of todo) {
    const before = states.get(bdf)!;
    if (before.override !== null) await write(bdf, devAttr(bdf, "driver_override"), "\n");
    if (before.driver) await write(bdf, `sys/bus/pci/drivers/${before.driver}/unbind`, bdf);
    await write(bdf, "sys/bus/pci/drivers_probe", bdf);
    flush();
    const after = await readState(bdf);
    states.set(bdf, after);
    if (after.override !== null)
      throw new JobFailure(
        "readback-mismatch",
        `${bdf}: driver_override still reads ${after.override}`,
        "The kernel kept driver_override after it was cleared; check dmesg.",
      );
    if (after.driver === null || after.driver === "vfio-pci") {
      throw new JobFailure(
        "no-host-driver",
        `${bdf}: no host driver claimed it after drivers_probe (driver ${after.driver ?? "none"})`,
        `${bdf} is now without a driver: no loaded host driver matches it (its module may be blacklisted or not loaded — e.g. nouveau/amdgpu for GPUs, or the NIC's VF driver). Load the module (modprobe <name>) and run the job again, or bind it to vfio-pci.`,
      );
    }
  }
  return { changed: true, observed: observed(named) };
}

/** A running guest owns the device through vfio-pci: unbinding it would block or crash the guest. */
function checkNotInRunningGuest(inv: DeviceFacts, bdf: string) {
  const holders = guestsByDevice(inv).get(bdf) ?? [];
  const running = inv.guests.filter((g) => g.state === "running" && holders.includes(g.name)).map((g) => g.name);
  if (running.length === 0) return null;
  return {
    code: "device-in-use",
    message: `${bdf} is assigned to running guest(s) ${running.join(", ")}`,
    explanation: `A running guest owns ${bdf} through vfio-pci; unbinding it would block or crash the guest. Detach it from ${running.join(", ")} (guest.detach with live) or stop the guest first.`,
  };
}
