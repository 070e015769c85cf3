import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { checkConfigPath } from "./host-io.ts";

export async function readConfigFile(root: string, relPath: string): Promise<string | null> {
  return readFile(path.join(root, checkConfigPath(relPath)), "utf8").catch(() => null);
}

/** Replace a config file by rename (a reboot mid-write must not find half a file); null removes it. */
export async function writeConfigFile(root: string, relPath: string, content: string | null): Promise<boolean> {
  const file = path.join(root, checkConfigPath(relPath));
  const current = await readFile(file, "utf8").catch(() => null);
  if (current === content) return false;
  if (content === null) {
    await rm(file, { force: true });
    return true;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.vfleet-${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o644 });
  await rename(tmp, file);
  return true;
}
