import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createVirsh, type Virsh } from "../libvirt/index.ts";
import { scanHost } from "../scan/index.ts";
import { readDeviceView } from "../scan/read-device-view.ts";
import { readConfigFile, writeConfigFile } from "./config-files.ts";
import { checkSysfsPath, DEFAULT_TIMEOUTS, type HostIO, HostIOError, withTimeout } from "./host-io.ts";
import { readSysfsAttr, readSysfsLinkName } from "./read-sysfs-attr.ts";

/** The shell's `echo: write error: ...` words for the errnos sysfs writes return. */
const STRERROR: Record<string, string> = {
  EBUSY: "Device or resource busy",
  ERANGE: "Numerical result out of range",
  EINVAL: "Invalid argument",
  ENOENT: "No such file or directory",
  ENODEV: "No such device",
  EEXIST: "File exists",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  ENOMEM: "Cannot allocate memory",
  EIO: "Input/output error",
  ENOSPC: "No space left on device",
};

export function runIpProcess(args: readonly string[], timeoutMs: number, ipPath = "ip"): Promise<string> {
  const op = `ip ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    execFile(
      ipPath,
      [...args],
      { timeout: timeoutMs, killSignal: "SIGKILL", encoding: "utf8", maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === "ENOENT") return reject(new HostIOError("ENOENT", op, "ip is not installed: apt-get install -y iproute2"));
        if (e.killed) return reject(new HostIOError("ETIMEDOUT", op, `no answer within ${timeoutMs} ms (killed)`));
        reject(new HostIOError("ip-failed", op, stderr.trim() || `exit code ${String(e.code)}`));
      },
    );
  });
}

export type LinuxHostIOOptions = { virsh?: Virsh; timeouts?: Partial<typeof DEFAULT_TIMEOUTS> };

/**
 * HostIO on a real Linux host (or any root, for reading): sysfs writes are plain `write(2)`s
 * on the attribute files, `ip` runs with `execFile`, libvirt through virsh. A sysfs write that
 * blocks in a driver cannot be cancelled; the timeout reports it and the write stays pending.
 */
export function createLinuxHostIO(root = "/", options: LinuxHostIOOptions = {}): HostIO {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  return {
    root,
    simulated: false,
    virsh: options.virsh ?? createVirsh(),
    scan: () => scanHost(root),
    scanDevices: (addresses, opts) => readDeviceView(root, addresses, opts),
    readSysfs: (p) => readSysfsAttr(root, p),
    readSysfsLink: (p) => readSysfsLinkName(root, p),
    async writeSysfs(relPath, value, opts = {}) {
      const op = `write ${relPath} = ${JSON.stringify(value)}`;
      const file = path.join(root, checkSysfsPath(relPath));
      await withTimeout(
        op,
        opts.timeoutMs ?? timeouts.sysfsMs,
        writeFile(file, value).catch((err: NodeJS.ErrnoException) => {
          const code = err.code ?? "EIO";
          throw new HostIOError(code, op, `write error: ${STRERROR[code] ?? err.message}`);
        }),
      );
    },
    runIp: (args, opts = {}) => runIpProcess(args, opts.timeoutMs ?? timeouts.ipMs),
    async syncGuest() {},
    readConfigFile: (p) => readConfigFile(root, p),
    writeConfigFile: (p, c) => writeConfigFile(root, p, c),
  };
}
