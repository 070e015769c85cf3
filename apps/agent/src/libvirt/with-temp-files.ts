import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Write `contents[i]` to `<fresh dir>/<prefix>-<i>.xml`, run `fn` with the paths, and remove
 * the directory afterwards whatever happens: virsh reads device XML only from files, and
 * those files must not pile up in /tmp.
 */
export async function withTempFiles<T>(prefix: string, contents: readonly string[], fn: (paths: string[]) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "vfleet-virsh-"));
  try {
    const width = String(Math.max(contents.length - 1, 0)).length;
    const paths = contents.map((_, i) => join(dir, `${prefix}-${String(i).padStart(width, "0")}.xml`));
    await Promise.all(paths.map((p, i) => writeFile(p, contents[i]!, { mode: 0o600 })));
    return await fn(paths);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
