import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Run the real lspci; a missing binary fails loudly with what to install (never a skip). */
export async function runLspci(args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync("lspci", args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
    return stdout;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new Error("lspci not found: install Debian package pciutils");
    throw err;
  }
}

/** lspci reading a sysfs tree at any root instead of the machine's /sys. */
export const lspciTreeArgs = (root: string, ...rest: string[]) => ["-A", "linux-sysfs", "-O", `sysfs.path=${root}/sys/bus/pci`, ...rest];
