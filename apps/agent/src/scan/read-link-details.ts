import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Returns the parsed JSON of `ip -json -details link show dev <pf>`, or null when unavailable. */
export type ReadLinkDetails = (pfIfName: string) => Promise<unknown>;

/** Longest we wait for `ip`: a wedged netlink must not hang the whole scan. */
const IP_TIMEOUT_MS = 5000;

/**
 * VF MAC/VLAN/trust/spoofchk/link state live only in netlink, so they come from `ip` on a
 * real host (`execFile` with an argument array: no shell; `ip link show` only reads), and
 * from the simulator's `run/vfleet-sim/ip-link/<pf>.json` (same JSON) under any other root.
 */
export function defaultReadLinkDetails(root: string): ReadLinkDetails {
  if (path.resolve(root) === "/") {
    return async (pf) => {
      try {
        const { stdout } = await execFileAsync("ip", ["-json", "-details", "link", "show", "dev", pf], { timeout: IP_TIMEOUT_MS });
        return JSON.parse(stdout) as unknown;
      } catch {
        return null;
      }
    };
  }
  return async (pf) => {
    try {
      return JSON.parse(await readFile(path.join(root, "run/vfleet-sim/ip-link", `${pf}.json`), "utf8")) as unknown;
    } catch {
      return null;
    }
  };
}
