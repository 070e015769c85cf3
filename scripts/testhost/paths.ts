/** Where the test hypervisors keep their state: the image cache, QEMU 10, the SSH key, one folder per VM. */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

export function testhostDir(): string {
  return process.env.VFLEET_TESTHOST_DIR ?? join(REPO_ROOT, ".vfleet", "testhost");
}

export function vmDir(name: string): string {
  return join(testhostDir(), "vms", name);
}
