import { execFile } from "node:child_process";
import { explainVirshError, libvirtErrorLines } from "./explain-virsh-error.ts";
import { VirshError } from "./virsh-error.ts";

export type RunVirshOptions = {
  uri: string;
  virshPath: string;
  timeoutMs: number;
  /** Text fed to virsh's stdin (a batch script); stdin is closed at once otherwise. */
  input?: string;
  /**
   * A writable directory for virsh's cache. Reading commands from stdin, virsh is in its
   * interactive mode and creates `$XDG_CACHE_HOME/libvirt/virsh` (default `~/.cache`) for its
   * history, failing the whole batch when it cannot: under the agent's systemd unit
   * (ProtectHome=yes) root's home is read-only.
   */
  cacheDir?: string;
};

export type VirshOutput = { stdout: string; stderr: string };

const INSTALL_HINT =
  "virsh is not installed: apt-get install -y libvirt-daemon libvirt-clients qemu-system-x86, then start libvirtd (scripts/start-libvirtd.sh)";

/**
 * Run `virsh -c <uri> <args...>` with an argument array (no shell) and a hard timeout.
 * A non-zero exit, a timeout or a missing binary becomes a VirshError.
 */
export function runVirsh(args: readonly string[], options: RunVirshOptions): Promise<VirshOutput> {
  const argv = ["-c", options.uri, ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(
      options.virshPath,
      argv,
      {
        timeout: options.timeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: 64 * 1024 * 1024,
        encoding: "utf8",
        ...(options.cacheDir ? { env: { ...process.env, XDG_CACHE_HOME: options.cacheDir } } : {}),
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
        if (e.code === "ENOENT") {
          return reject(new VirshError(args, "virsh-missing", `${options.virshPath}: not found`, INSTALL_HINT, null, ""));
        }
        if (e.killed) {
          return reject(
            new VirshError(
              args,
              "timeout",
              `virsh did not finish within ${options.timeoutMs} ms and was killed`,
              "libvirtd or the device driver is stuck. The change may or may not have happened: read the guest's XML back before retrying.",
              null,
              stderr,
            ),
          );
        }
        const libvirtMessage = libvirtErrorLines(stderr) || `virsh exited with code ${String(e.code)} and printed nothing`;
        const { code, explanation } = explainVirshError(libvirtMessage);
        reject(new VirshError(args, code, libvirtMessage, explanation, typeof e.code === "number" ? e.code : null, stderr));
      },
    );
    child.stdin?.on("error", () => {}); // virsh may exit before reading all input; the exit status reports why
    child.stdin?.end(options.input ?? "");
  });
}
