import { writeBind, writeDriverOverride, writeDriversProbe, writeUnbind } from "./bind-driver.ts";
import { fail, type KernelOutcome, matchesFault, type SimHostState } from "./kernel-state.ts";
import { writeSriovAutoprobe, writeSriovNumvfs } from "./write-sriov-numvfs.ts";

/** Attributes the model does not implement are read-only to it: EACCES would be the kernel's answer for most. */
const DEVICE_ATTR = /^sys\/bus\/pci\/devices\/([0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7])\/([a-z_]+)$/;
const DRIVER_ATTR = /^sys\/bus\/pci\/drivers\/([A-Za-z0-9_.-]+)\/(bind|unbind)$/;

/**
 * One sysfs write, by tree-relative path, through the faults first (hang, silent no-op), then
 * the attribute's kernel semantics. Pure: returns the new state or the errno.
 */
export function applySysfsWrite(state: SimHostState, relPath: string, value: string): KernelOutcome {
  const key = relPath.replace(/^\/+/, "");
  if (matchesFault(state.faults?.hangOn, key)) return { kind: "hang" };
  const outcome = dispatch(state, key, value);
  if (outcome.kind === "ok" && matchesFault(state.faults?.silentNoop, key))
    return { kind: "ok", state, touched: [], removed: [], netChanged: [] };
  return outcome;
}

function dispatch(state: SimHostState, key: string, value: string): KernelOutcome {
  if (key === "sys/bus/pci/drivers_probe") return writeDriversProbe(state, value);
  const drv = DRIVER_ATTR.exec(key);
  if (drv) return drv[2] === "unbind" ? writeUnbind(state, drv[1]!, value) : writeBind(state, drv[1]!, value);
  const dev = DEVICE_ATTR.exec(key);
  if (dev) {
    const [, bdf, attr] = dev as unknown as [string, string, string];
    if (!state.functions.has(bdf)) return fail("ENOENT", `${key}: no such device`);
    if (attr === "sriov_numvfs") return writeSriovNumvfs(state, bdf, value);
    if (attr === "sriov_drivers_autoprobe") return writeSriovAutoprobe(state, bdf, value);
    if (attr === "driver_override") return writeDriverOverride(state, bdf, value);
  }
  return fail("EINVAL", `${key}: the simulator does not model writes to this attribute`);
}
