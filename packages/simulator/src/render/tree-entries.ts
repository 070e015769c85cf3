import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * What a renderer produces: files (text or binary) and symlinks, all as paths relative to
 * the tree root. Renderers stay pure; `writeEntries` is the only code touching the disk.
 * Symlink targets are tree-relative too and become relative links like the kernel's
 * (`driver -> ../../../bus/pci/drivers/mlx5_core`), so a tree works wherever it is copied.
 */
export interface TreeEntries {
  dirs: Set<string>;
  files: Map<string, string | Buffer>;
  links: Map<string, string>;
}

export const emptyEntries = (): TreeEntries => ({ dirs: new Set(), files: new Map(), links: new Map() });

export function mergeEntries(into: TreeEntries, from: TreeEntries): TreeEntries {
  for (const d of from.dirs) into.dirs.add(d);
  for (const [k, v] of from.files) into.files.set(k, v);
  for (const [k, v] of from.links) into.links.set(k, v);
  return into;
}

/** Parallel writes in bounded batches: thousands of small files, without exhausting fds. */
async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

export async function writeEntries(root: string, entries: TreeEntries): Promise<void> {
  const dirs = new Set(entries.dirs);
  for (const p of [...entries.files.keys(), ...entries.links.keys()]) dirs.add(path.dirname(p));
  // Deepest-first creation would be redundant: mkdir -p of the leaves covers their parents.
  const leaves = [...dirs].sort().filter((d, i, all) => !all[i + 1]?.startsWith(`${d}/`));
  await inBatches(leaves, 64, (d) => mkdir(path.join(root, d), { recursive: true }));
  await inBatches([...entries.files], 128, ([p, content]) => writeFile(path.join(root, p), content));
  await inBatches([...entries.links], 128, async ([p, target]) => {
    const abs = path.join(root, p);
    await rm(abs, { force: true });
    await symlink(path.relative(path.dirname(abs), path.join(root, target)), abs);
  });
}
