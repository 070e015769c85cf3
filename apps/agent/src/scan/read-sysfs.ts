import { close, open, read } from "node:fs";
import { access, readdir, readlink } from "node:fs/promises";
import path from "node:path";

const CHUNK = 4096;

/**
 * Read a whole file with raw open/read/close callbacks. Why not fs/promises.readFile: a scan
 * reads thousands of one-line sysfs attributes, and readFile's extra fstat and promise hops
 * made a 267-function DGX-2 tree 2-3x slower to read. sysfs attributes fit in one page, so
 * usually one read (plus the EOF read when a file fills the page exactly, e.g. `config`).
 */
function readWhole(file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    open(file, "r", (err, fd) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      const next = () => {
        const buf = Buffer.allocUnsafe(CHUNK);
        read(fd, buf, 0, CHUNK, null, (rerr, n) => {
          if (rerr) return close(fd, () => reject(rerr));
          if (n > 0) chunks.push(buf.subarray(0, n));
          if (n === CHUNK) return next();
          close(fd, () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
        });
      };
      next();
    });
  });
}

/**
 * Small tolerant readers: sysfs/procfs attributes come and go with kernel versions and
 * hardware, so a missing file is an answer (null), not an error. Other errors (EINVAL from
 * `carrier` on a down link, EACCES) also mean "cannot be told" for a single attribute.
 */
export async function readText(file: string): Promise<string | null> {
  try {
    return (await readWhole(file)).toString("utf8").trim();
  } catch {
    return null;
  }
}

export async function readBytes(file: string): Promise<Buffer | null> {
  try {
    return await readWhole(file);
  } catch {
    return null;
  }
}

export async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/** Whether a path exists (a directory a capture may lack, as opposed to an empty one). */
export function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Basename of a symlink's target (`driver` -> `../../bus/pci/drivers/mlx5_core` gives `mlx5_core`). */
export async function readLinkName(link: string): Promise<string | null> {
  try {
    return path.basename(await readlink(link));
  } catch {
    return null;
  }
}

/** `0x15b3` -> `15b3`; null when absent or malformed. */
export function hexAttr(value: string | null, width: number): string | null {
  if (value === null) return null;
  const m = /^(?:0x)?([0-9a-fA-F]+)$/.exec(value);
  return m ? m[1]!.toLowerCase().padStart(width, "0").slice(-width) : null;
}

export function intAttr(value: string | null): number | null {
  if (value === null || !/^-?\d+$/.test(value)) return null;
  return Number(value);
}
