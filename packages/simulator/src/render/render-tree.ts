import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { compareBdf } from "../model/bdf.ts";
import type { HostState } from "../model/host-state.ts";
import { devicePath } from "./device-path.ts";
import { renderDevice } from "./render-device.ts";
import { renderGuestXml } from "./render-guest-xml.ts";
import { renderHostFiles } from "./render-host-files.ts";
import { renderIpLink } from "./render-ip-link.ts";
import { emptyEntries, mergeEntries, type TreeEntries, writeEntries } from "./tree-entries.ts";

/** Marks a directory as a simulator tree, so a rebuild may replace it and nothing else. */
export const TREE_MARKER = ".vfleet-sim-tree";

/** Everything the host shows, as entries (pure). */
export function renderHost(state: HostState): TreeEntries {
  const e = renderHostFiles(state);
  for (const bdf of [...state.functions.keys()].sort(compareBdf)) mergeEntries(e, renderDevice(state, state.functions.get(bdf)!));
  mergeEntries(e, renderLibvirtAndNetlink(state));
  e.files.set(TREE_MARKER, `${state.spec.profile}\n`);
  return e;
}

/** libvirt's guest definitions/run state and the simulated netlink view of each PF. */
function renderLibvirtAndNetlink(state: HostState): TreeEntries {
  const e = emptyEntries();
  e.dirs.add("etc/libvirt/qemu");
  e.dirs.add("run/libvirt/qemu");
  for (const g of state.guests) {
    const xml = renderGuestXml(g);
    e.files.set(`etc/libvirt/qemu/${g.name}.xml`, xml);
    // libvirtd keeps a live status XML under /run for running domains only.
    if (g.running) e.files.set(`run/libvirt/qemu/${g.name}.xml`, xml);
  }
  e.dirs.add("run/vfleet-sim/ip-link");
  for (const fn of state.functions.values()) {
    if (fn.sriov && fn.net) e.files.set(`run/vfleet-sim/ip-link/${fn.net.ifname}.json`, renderIpLink(fn));
  }
  return e;
}

async function prepareOutDir(outDir: string): Promise<void> {
  let entries: string[];
  try {
    if (!(await stat(outDir)).isDirectory()) throw new Error(`--out ${outDir} exists and is not a directory`);
    entries = await readdir(outDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  if (entries.length === 0) return;
  if (!entries.includes(TREE_MARKER))
    throw new Error(`--out ${outDir} is not empty and is not a simulator tree (no ${TREE_MARKER}); refusing to overwrite it`);
  await Promise.all(entries.map((name) => rm(path.join(outDir, name), { recursive: true, force: true })));
}

/** Write the whole tree to `outDir` (empty, missing, or a previous simulator tree). */
export async function renderTree(state: HostState, outDir: string): Promise<void> {
  await prepareOutDir(outDir);
  await writeEntries(outDir, renderHost(state));
}

/**
 * Re-write one device's directory and its links after a state change (driver bind, VF
 * settings...). Removes the old directory's plain files first; child device dirs stay.
 */
export async function rerenderDevice(state: HostState, bdf: string, outDir: string): Promise<void> {
  const fn = state.functions.get(bdf);
  if (!fn) throw new Error(`no PCI function ${bdf}`);
  const dir = path.join(outDir, devicePath(state, bdf));
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (/^[0-9a-f]{4}:/.test(name)) continue; // a child function's directory
    await rm(path.join(dir, name), { recursive: true, force: true });
  }
  for (const link of ["sys/bus/pci/drivers"]) {
    for (const drv of await readdir(path.join(outDir, link)).catch(() => [] as string[]))
      await rm(path.join(outDir, link, drv, bdf), { force: true });
  }
  await writeEntries(outDir, renderDevice(state, fn));
}
