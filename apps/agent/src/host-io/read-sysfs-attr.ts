import { readFile, readlink } from "node:fs/promises";
import path from "node:path";
import { checkSysfsPath } from "./host-io.ts";

export async function readSysfsAttr(root: string, relPath: string): Promise<string | null> {
  return readFile(path.join(root, checkSysfsPath(relPath)), "utf8").then(
    (t) => t.trim(),
    () => null,
  );
}

export async function readSysfsLinkName(root: string, relPath: string): Promise<string | null> {
  return readlink(path.join(root, checkSysfsPath(relPath))).then(
    (t) => path.basename(t),
    () => null,
  );
}
