import type { HostState, PciFunction } from "../model/host-state.ts";

/**
 * Fault injection for the kernel model: how real drivers misbehave (DOMAIN.md "Kernel semantics
 * of the writes"). Patterns are matched as substrings of the operation key: the tree-relative
 * sysfs path for writes (`sys/bus/pci/devices/0000:86:00.0/sriov_numvfs`, `sys/bus/pci/drivers_probe`),
 * `ip link set dev <pf> vf <n>` for VF settings, `libvirt-sync <guest>` for the simulated host
 * writing a guest's XML into its tree.
 */
export interface KernelFaults {
  /** The write blocks and never returns (mlx5 firmware stuck): only the caller's timeout ends it. */
  hangOn?: string[];
  /** The driver returns success and changes nothing (hns3 with sriov_numvfs = 0): only a read-back catches it. */
  silentNoop?: string[];
  /** Destroying VFs that guests hold is refused: ice says EBUSY, i40e EINVAL. */
  refuseFreeAssigned?: false | "EBUSY" | "EINVAL";
}

/** A HostState with the faults its profile (or a test) injects; what `state.json` holds. */
export type SimHostState = HostState & { faults?: KernelFaults };

export type Errno = "EINVAL" | "ERANGE" | "EBUSY" | "ENOENT" | "ENODEV" | "EEXIST" | "EOPNOTSUPP";

/** strerror() text, as `echo` or `ip` print it. */
export const STRERROR: Record<Errno, string> = {
  EINVAL: "Invalid argument",
  ERANGE: "Numerical result out of range",
  EBUSY: "Device or resource busy",
  ENOENT: "No such file or directory",
  ENODEV: "No such device",
  EEXIST: "File exists",
  EOPNOTSUPP: "Operation not supported",
};

/**
 * What one write does to the model. `touched`: functions whose sysfs view changed (re-render);
 * `removed`: functions that disappeared; `netChanged`: PFs whose `ip link` view changed.
 * `kernelLog`: what the kernel would print to dmesg, for the error explanations.
 */
export type KernelOutcome =
  | { kind: "ok"; state: SimHostState; touched: string[]; removed: string[]; netChanged: string[]; kernelLog?: string }
  | {
      kind: "error";
      errno: Errno;
      kernelLog: string;
      /** What the kernel had already applied when it failed (rtnetlink applies VF settings one by one and stops at the first error). */
      partial?: { kind: "ok"; state: SimHostState; touched: string[]; removed: string[]; netChanged: string[] };
    }
  | { kind: "hang" };

export const ok = (state: SimHostState, touched: string[] = [], removed: string[] = [], netChanged: string[] = []): KernelOutcome => ({
  kind: "ok",
  state,
  touched,
  removed,
  netChanged,
});
export const fail = (errno: Errno, kernelLog: string): KernelOutcome => ({ kind: "error", errno, kernelLog });

/** The model's functions are mutated on a copy, so a failed write leaves the caller's state as it was. */
export const cloneState = (state: SimHostState): SimHostState => structuredClone(state);

/** Guests (libvirt definitions) holding this function. */
export function guestsHolding(state: HostState, bdf: string): string[] {
  return state.guests.filter((g) => g.hostdevs.some((h) => h.bdf === bdf)).map((g) => g.name);
}

/** The driver a function binds to when nothing overrides it: the PF's VF driver, or the profile's driver. */
export function nativeDriverOf(state: HostState, fn: PciFunction): string | null {
  if (fn.physfn) return state.functions.get(fn.physfn)?.sriov?.vfDriver ?? null;
  const spec = state.spec.functions.find((f) => f.bdf === fn.bdf);
  if (spec?.hostDriver) return spec.hostDriver;
  const driver = spec?.driver ?? null;
  // A device booted on vfio-pci (driver_override at boot) with no hostDriver in its profile has none to go back to.
  return driver === "vfio-pci" || driver === "pci-stub" ? null : driver;
}

/** Drivers the host has loaded: the ones in use or native to some device, plus vfio-pci when its module is loaded. */
export function driverExists(state: HostState, driver: string): boolean {
  if (driver === "vfio-pci") return "vfio_pci" in state.spec.modules || [...state.functions.values()].some((f) => f.driver === "vfio-pci");
  for (const f of state.functions.values())
    if (f.driver === driver || f.sriov?.vfDriver === driver || nativeDriverOf(state, f) === driver) return true;
  return false;
}

export const matchesFault = (patterns: string[] | undefined, key: string): boolean =>
  (patterns ?? []).some((p) => p.length > 0 && key.includes(p));
