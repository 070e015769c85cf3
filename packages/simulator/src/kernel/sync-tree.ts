import { mkdir, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { HostState } from "../model/host-state.ts";
import { devicePath } from "../render/device-path.ts";
import { renderDevice } from "../render/render-device.ts";
import { renderIpLink } from "../render/render-ip-link.ts";
import { emptyEntries, type TreeEntries, writeEntries } from "../render/tree-entries.ts";

export type TreeChange = { touched: string[]; removed: string[]; netChanged: string[] };

/** Remove empty directories from `dir` up to (not including) `stop`: a vanished netdev leaves none behind. */
async function pruneEmpty(root: string, dir: string, stop: string): Promise<void> {
  for (let d = dir; d.startsWith(`${stop}/`); d = path.dirname(d)) {
    try {
      await rmdir(path.join(root, d));
    } catch {
      return;
    }
  }
}

/**
 * Bring the tree in line with a state change, touching only what changed: for each changed
 * function, the files and links it had and no longer has are removed and its new entries
 * written; vanished functions (destroyed VFs) lose their directory, bus/driver/group/net links
 * and, when no one else uses it, their IOMMU group; PFs whose VF settings changed get a new
 * `ip link` JSON. lspci and the agent's scan then read the new state.
 */
export async function syncTree(root: string, before: HostState, after: HostState, change: TreeChange): Promise<void> {
  const usedGroups = new Set([...after.functions.values()].map((f) => f.iommuGroup).filter((g) => g !== null));
  for (const bdf of change.removed) {
    const fn = before.functions.get(bdf);
    if (!fn || after.functions.has(bdf)) continue;
    const old = renderDevice(before, fn);
    for (const p of [...old.links.keys(), ...old.files.keys()]) await rm(path.join(root, p), { force: true });
    for (const p of old.links.keys()) if (p.startsWith("sys/class/net/")) await rm(path.join(root, p), { force: true });
    await rm(path.join(root, devicePath(before, bdf)), { recursive: true, force: true });
    if (fn.iommuGroup !== null && !usedGroups.has(fn.iommuGroup))
      await rm(path.join(root, "sys/kernel/iommu_groups", String(fn.iommuGroup)), { recursive: true, force: true });
  }
  const fresh = emptyEntries();
  // A driver's module loaded by this change (the first VF of its kind): /sys/module/<name> appears.
  for (const m of Object.keys(after.spec.modules)) if (!(m in before.spec.modules)) fresh.dirs.add(`sys/module/${m}`);
  for (const bdf of new Set(change.touched)) {
    const fn = after.functions.get(bdf);
    if (!fn) continue;
    const next = renderDevice(after, fn);
    const prevFn = before.functions.get(bdf);
    if (prevFn) await removeStale(root, renderDevice(before, prevFn), next, devicePath(before, bdf));
    for (const d of next.dirs) fresh.dirs.add(d);
    for (const [k, v] of next.files) fresh.files.set(k, v);
    for (const [k, v] of next.links) fresh.links.set(k, v);
  }
  await writeEntries(root, fresh);
  for (const bdf of new Set(change.netChanged)) {
    const fn = after.functions.get(bdf);
    if (!fn?.sriov || !fn.net) continue;
    const file = path.join(root, "run/vfleet-sim/ip-link", `${fn.net.ifname}.json`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, renderIpLink(fn));
  }
}

async function removeStale(root: string, old: TreeEntries, next: TreeEntries, deviceDir: string): Promise<void> {
  for (const p of [...old.files.keys(), ...old.links.keys()]) {
    if (next.files.has(p) || next.links.has(p)) continue;
    await rm(path.join(root, p), { force: true });
    if (p.startsWith(`${deviceDir}/`)) await pruneEmpty(root, path.dirname(p), deviceDir);
  }
}
