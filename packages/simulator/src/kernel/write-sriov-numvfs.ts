import { setVfCount } from "../model/set-vf-count.ts";
import { cloneState, fail, guestsHolding, type KernelOutcome, ok, type SimHostState } from "./kernel-state.ts";

/** PF drivers whose `sriov_configure` is missing or off by default (vfio-pci needs enable_sriov=1). */
const NO_SRIOV_CONFIGURE = new Set(["pci-stub", "vfio-pci"]);

/**
 * `echo <value> > sriov_numvfs`, as drivers/pci/iov.c sriov_numvfs_store() decides: parse
 * (EINVAL), above TotalVFs (ERANGE), same count (no-op), no driver or no sriov_configure
 * (ENOENT), 0 destroys, a new non-zero count while VFs exist (EBUSY). Then the driver's own
 * word: `refuseFreeAssigned` models ice/i40e refusing to free VFs that guests hold.
 */
export function writeSriovNumvfs(state: SimHostState, pfBdf: string, value: string): KernelOutcome {
  const pf = state.functions.get(pfBdf);
  if (!pf?.sriov) return fail("ENOENT", `${pfBdf}: no sriov_numvfs attribute (not an SR-IOV physical function)`);
  const text = value.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text) || Number(text) > 0xffff) return fail("EINVAL", `sriov_numvfs: "${value.trim()}" is not a number`);
  const n = Number(text);
  const total = pf.sriov.driverMaxVfs ?? pf.sriov.totalVfs;
  if (n > total) return fail("ERANGE", `${pfBdf}: ${n} VFs requested; sriov_totalvfs is ${total}`);
  if (n === pf.sriov.numVfs) return ok(state);
  if (!pf.driver) return fail("ENOENT", `${pfBdf}: no driver bound to device; cannot configure SR-IOV`);
  if (NO_SRIOV_CONFIGURE.has(pf.driver))
    return fail("ENOENT", `${pfBdf}: driver ${pf.driver} does not support SR-IOV configuration via sysfs`);
  if (n !== 0 && pf.sriov.numVfs !== 0)
    return fail("EBUSY", `${pfBdf}: ${pf.sriov.numVfs} VFs already enabled. Disable before enabling ${n} VFs`);
  if (n === 0 && state.faults?.refuseFreeAssigned) {
    const held = pf.sriov.vfs.filter((vf) => guestsHolding(state, vf).length > 0);
    if (held.length > 0)
      return fail(
        state.faults.refuseFreeAssigned,
        `${pfBdf}: Cannot modify SR-IOV while VFs are assigned (${held.length} of ${pf.sriov.numVfs})`,
      );
  }
  const next = cloneState(state);
  const removed = [...pf.sriov.vfs];
  setVfCount(next, pfBdf, n);
  return ok(next, [pfBdf, ...next.functions.get(pfBdf)!.sriov!.vfs], removed, pf.net ? [pfBdf] : []);
}

/** `echo 0|1 > sriov_drivers_autoprobe`: whether new VFs bind to the VF driver. */
export function writeSriovAutoprobe(state: SimHostState, pfBdf: string, value: string): KernelOutcome {
  const pf = state.functions.get(pfBdf);
  if (!pf?.sriov) return fail("ENOENT", `${pfBdf}: no sriov_drivers_autoprobe attribute`);
  const text = value.trim();
  const on = /^(1|y|yes|on|true)$/i.test(text);
  if (!on && !/^(0|n|no|off|false)$/i.test(text)) return fail("EINVAL", `sriov_drivers_autoprobe: "${text}" is not a boolean`);
  const next = cloneState(state);
  next.functions.get(pfBdf)!.sriov!.driversAutoprobe = on;
  return ok(next, [pfBdf]);
}
