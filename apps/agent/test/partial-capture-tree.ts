import { readdir, readlink, rm } from "node:fs/promises";
import path from "node:path";
import { simTree } from "./jobs-sim-tree.ts";

/**
 * A capture of a simulated host (sosreport-style: a copy of /proc and /sys taken on the host)
 * missing exactly `missing` (paths under the root, e.g. "proc/interrupts", "sys/kernel"). With
 * `dropLinksInto`, links whose target lay in a missing directory go with it, as in a capture that
 * copies only what resolves inside itself: a device's `iommu_group` link without /sys/kernel.
 */
export async function captureWithout(
  profile: string,
  missing: string[],
  options: { dropLinksInto?: boolean; vfs?: number } = {},
): Promise<string> {
  const root = await simTree(profile, options.vfs);
  const gone = missing.map((m) => path.join(root, m));
  if (options.dropLinksInto) {
    const entries = await readdir(path.join(root, "sys"), { recursive: true, withFileTypes: true });
    for (const e of entries) {
      if (!e.isSymbolicLink()) continue;
      const link = path.join(e.parentPath, e.name);
      const target = path.resolve(e.parentPath, await readlink(link));
      if (gone.some((g) => target === g || target.startsWith(`${g}/`))) await rm(link);
    }
  }
  for (const g of gone) await rm(g, { recursive: true, force: true });
  return root;
}

/**
 * Evidence lines that quote a path under one of `unread` without saying it was not read: a
 * reason may only cite what the scan read.
 */
export function quotesOfUnread(checks: { id: string; evidence: string[] }[], unread: string[]): string[] {
  const out: string[] = [];
  for (const c of checks)
    for (const line of c.evidence)
      for (const u of unread)
        if (new RegExp(`${u.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`).test(line) && !/not read|could not read/.test(line))
          out.push(`${c.id}: ${line}`);
  return out;
}
