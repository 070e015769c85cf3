import { parseBdf } from "../model/bdf.ts";
import type { HostState, PciFunction } from "../model/host-state.ts";
import { localMac, MAC_KIND } from "../model/local-mac.ts";
import { setVfCount } from "../model/set-vf-count.ts";
import { loadDriverModule } from "../model/load-driver-module.ts";
import { cloneState, driverExists, fail, type KernelOutcome, nativeDriverOf, ok, type SimHostState } from "./kernel-state.ts";

/** The kernel's driver_override limit is one page; anything near it is a mistake. */
const MAX_OVERRIDE = 4095;

/** `echo <name> > driver_override`; a lone newline (or empty) clears it (drivers/base/driver.c driver_set_override). */
export function writeDriverOverride(state: SimHostState, bdf: string, value: string): KernelOutcome {
  if (!state.functions.has(bdf)) return fail("ENODEV", `${bdf}: no such PCI device`);
  if (value.length >= MAX_OVERRIDE) return fail("EINVAL", `driver_override: ${value.length} bytes is more than the kernel accepts`);
  const name = value.endsWith("\n") ? value.slice(0, -1) : value;
  const next = cloneState(state);
  next.functions.get(bdf)!.driverOverride = name.length === 0 ? null : name;
  return ok(next, [bdf]);
}

/** Bind in the model: the driver link, and a netdev when a network driver takes a function that has one. */
function attach(state: HostState, fn: PciFunction, driver: string): void {
  fn.driver = driver;
  loadDriverModule(state, driver);
  const pf = fn.physfn ? state.functions.get(fn.physfn) : undefined;
  if (pf?.sriov && pf.net && fn.vfIndex !== null && driver === pf.sriov.vfDriver && pf.sriov.vfNetdevs) {
    const a = parseBdf(fn.bdf);
    fn.net = {
      ifname: `${pf.net.ifname}v${fn.vfIndex}`,
      mac: localMac(MAC_KIND.vfNetdev, a.bus, a.devfn, fn.vfIndex),
      carrier: pf.net.carrier,
      speedMbps: pf.net.speedMbps,
      ifindex: state.nextIfindex++,
    };
  }
  if (!fn.physfn && !fn.net && driver === nativeDriverOf(state, fn)) {
    const spec = state.spec.functions.find((f) => f.bdf === fn.bdf);
    if (spec?.net)
      fn.net = {
        ifname: spec.net.ifname,
        mac: spec.net.mac || localMac(MAC_KIND.pfNetdev, parseBdf(fn.bdf).bus, parseBdf(fn.bdf).devfn),
        carrier: spec.net.carrier,
        speedMbps: spec.net.speedMbps,
        ifindex: state.nextIfindex++,
      };
  }
}

/**
 * `echo <bdf> > /sys/bus/pci/drivers/<driver>/unbind`: ENODEV unless the device is bound to that
 * driver. The netdev goes away; a PF driver's remove() disables SR-IOV, so its VFs vanish too.
 */
export function writeUnbind(state: SimHostState, driver: string, value: string): KernelOutcome {
  const bdf = value.trim();
  const fn = state.functions.get(bdf);
  if (!fn || fn.driver !== driver) return fail("ENODEV", `${driver}/unbind: ${bdf} is not bound to ${driver}`);
  const next = cloneState(state);
  const n = next.functions.get(bdf)!;
  const removed = n.sriov ? [...n.sriov.vfs] : [];
  if (n.sriov && n.sriov.numVfs > 0) setVfCount(next, bdf, 0);
  n.driver = null;
  n.net = null;
  return ok(next, [bdf], removed, fn.sriov && fn.net ? [bdf] : []);
}

/** Which driver a probe would pick: driver_override alone when set, else the native driver. */
function matchDriver(state: HostState, fn: PciFunction): string | null {
  if (fn.driverOverride !== null) return driverExists(state, fn.driverOverride) ? fn.driverOverride : null;
  return nativeDriverOf(state, fn);
}

/**
 * `echo <bdf> > /sys/bus/pci/drivers_probe`: a bound device stays as it is; an unbound one binds
 * to the matching driver, or stays unbound (the write still succeeds, as bus_rescan_devices_helper does).
 */
export function writeDriversProbe(state: SimHostState, value: string): KernelOutcome {
  const bdf = value.trim();
  const fn = state.functions.get(bdf);
  if (!fn) return fail("ENODEV", `drivers_probe: no PCI device ${bdf}`);
  if (fn.driver) return ok(state);
  const driver = matchDriver(state, fn);
  if (!driver) return ok(state);
  const next = cloneState(state);
  const n = next.functions.get(bdf)!;
  attach(next, n, driver);
  return ok(next, [bdf], [], n.physfn && n.net ? [n.physfn] : []);
}

/** `echo <bdf> > /sys/bus/pci/drivers/<driver>/bind`: only an unbound device the driver matches (override first). */
export function writeBind(state: SimHostState, driver: string, value: string): KernelOutcome {
  const bdf = value.trim();
  const fn = state.functions.get(bdf);
  if (!fn) return fail("ENODEV", `${driver}/bind: no PCI device ${bdf}`);
  if (fn.driver) return fail("EBUSY", `${driver}/bind: ${bdf} is already bound to ${fn.driver}`);
  if (matchDriver(state, fn) !== driver)
    return fail(
      "ENODEV",
      `${driver}/bind: ${driver} does not match ${bdf}${fn.driverOverride ? ` (driver_override is ${fn.driverOverride})` : ""}`,
    );
  const next = cloneState(state);
  attach(next, next.functions.get(bdf)!, driver);
  return ok(next, [bdf]);
}
