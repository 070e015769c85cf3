import type { HostSpec } from "./host-spec.ts";
import type { HostState } from "./host-state.ts";

/** A driver's module as `/sys/module` names it (`vfio-pci` is `vfio_pci`). */
const moduleOf = (driver: string): string => driver.replaceAll("-", "_");

/**
 * udev loads a driver's module on the first device whose modalias it matches, and it stays loaded
 * when the device goes (seen on Debian's 6.1: `igbvf` appears in /sys/module with the first VF of
 * an igb PF, and stays after `sriov_numvfs` is back to 0).
 */
export function loadDriverModule(state: HostState, driver: string): void {
  const name = moduleOf(driver);
  if (!(name in state.spec.modules)) state.spec = { ...state.spec, modules: { ...state.spec.modules, [name]: {} } };
}

/**
 * The modules loaded at boot: a profile lists what its host runs with its usual VFs; a VF driver
 * that no device of the boot state uses yet is not loaded until its first VF appears. Pure: a new spec.
 */
export function bootModules(spec: HostSpec): HostSpec {
  const bootDrivers = new Set(spec.functions.map((f) => f.driver).filter((d): d is string => d !== null && d !== undefined));
  const onDemand = new Set(
    spec.functions.flatMap((f) => (f.sriov && !bootDrivers.has(f.sriov.vfDriver) ? [moduleOf(f.sriov.vfDriver)] : [])),
  );
  return { ...spec, modules: Object.fromEntries(Object.entries(spec.modules).filter(([m]) => !onDemand.has(m))) };
}
