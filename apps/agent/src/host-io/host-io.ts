import type { DeviceFacts } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import type { DeviceViewOptions } from "../scan/read-device-view.ts";
import type { Virsh } from "../libvirt/index.ts";

/**
 * HostIO: the ONLY way the agent changes a host (ARCHITECTURE.md "Kernel and host boundary").
 * Paths are relative to the host's root (`sys/bus/pci/devices/<bdf>/sriov_numvfs`, `etc/...`),
 * so the same executor code runs on `/` and on a simulator tree. Every write and command has a
 * timeout; reads never change anything.
 */
export interface HostIO {
  readonly root: string;
  /** True when the kernel is the simulator's model (`--simulated`). */
  readonly simulated: boolean;
  /** The host as the agent's scan reads it (sysfs, procfs, /etc, libvirt definitions). */
  scan(): Promise<Inventory>;
  /** Only what a job's safety checks read about these devices (scan/read-device-view.ts): its cost follows the job, not the host. */
  scanDevices(addresses: readonly string[], options?: DeviceViewOptions): Promise<DeviceFacts>;
  /** A sysfs/procfs attribute's text, trimmed; null when it does not exist. */
  readSysfs(relPath: string): Promise<string | null>;
  /** The last component of a sysfs link (`driver` -> `vfio-pci`), or null. */
  readSysfsLink(relPath: string): Promise<string | null>;
  /** Write an attribute, failing with the kernel's errno (HostIOError) or ETIMEDOUT. */
  writeSysfs(relPath: string, value: string, options?: { timeoutMs?: number }): Promise<void>;
  /** Run `ip <args>` (argument array, no shell); a non-zero exit is a HostIOError with ip's words. */
  runIp(args: readonly string[], options?: { timeoutMs?: number }): Promise<string>;
  /** libvirt, real in both implementations (qemu:///system by default). */
  readonly virsh: Virsh;
  /** After a guest change: make the host's view of the guest match libvirt (a no-op on Linux, where libvirtd writes /etc/libvirt/qemu). */
  syncGuest(name: string): Promise<void>;
  readConfigFile(relPath: string): Promise<string | null>;
  /** Write (or with null, remove) a boot-time config file under etc/, atomically; true when it changed. */
  writeConfigFile(relPath: string, content: string | null): Promise<boolean>;
}

/** Defaults: sysfs writes that take longer are drivers stuck in firmware (DOMAIN.md: "can block for minutes"). */
export const DEFAULT_TIMEOUTS: Readonly<{ sysfsMs: number; ipMs: number }> = { sysfsMs: 30_000, ipMs: 10_000 };

export type HostIOErrorCode =
  | "EBUSY"
  | "ERANGE"
  | "EINVAL"
  | "ENOENT"
  | "ENODEV"
  | "EEXIST"
  | "EACCES"
  | "EPERM"
  | "ETIMEDOUT"
  | "ip-failed"
  | "bad-path"
  | (string & {});

/** A host operation that failed: `code` is the errno (or a stable word), `message` the host's own text. */
export class HostIOError extends Error {
  override readonly name = "HostIOError";
  constructor(
    readonly code: HostIOErrorCode,
    /** What was attempted, e.g. `write sys/bus/pci/devices/0000:86:00.0/sriov_numvfs = 8`. */
    readonly operation: string,
    readonly hostMessage: string,
    /** The kernel's log line for it, when known (simulator). */
    readonly kernelLog: string | null = null,
  ) {
    super(`${operation}: ${hostMessage}`);
  }
}

const SYSFS_PATH = /^(sys|proc)\/[A-Za-z0-9_:.@+-]+(\/[A-Za-z0-9_:.@+-]+)*$/;
const CONFIG_PATH = /^etc\/(sysfs\.d|sysfs\.conf|udev\/rules\.d|modprobe\.d|modules-load\.d|modules)(\/[A-Za-z0-9_.-]+)?$/;

/** Paths come from job params: refuse anything that could climb out of sysfs or /etc's config dirs. */
export function checkSysfsPath(relPath: string): string {
  if (!SYSFS_PATH.test(relPath) || relPath.split("/").some((s) => s === ".." || s === "."))
    throw new HostIOError("bad-path", `access ${relPath}`, "not a sysfs/procfs path under the host root");
  return relPath;
}

export function checkConfigPath(relPath: string): string {
  if (!CONFIG_PATH.test(relPath) || relPath.split("/").some((s) => s === ".." || s === "."))
    throw new HostIOError(
      "bad-path",
      `write ${relPath}`,
      "the agent writes boot config only under etc/sysfs.d, etc/udev/rules.d, etc/modprobe.d, etc/modules-load.d",
    );
  return relPath;
}

/** Race an operation against its timeout. The operation itself may go on (a blocked sysfs write cannot be cancelled). */
export function withTimeout<T>(operation: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HostIOError("ETIMEDOUT", operation, `no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
