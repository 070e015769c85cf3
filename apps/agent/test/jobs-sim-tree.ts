import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildTree, loadHostState, saveHostState, type KernelFaults } from "@vfleet/simulator";

/** Simulator trees for job tests: built per test, removed afterwards. */
const made: string[] = [];

export async function simTree(profile: string, vfs?: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `vfleet-jobs-${profile}-`));
  made.push(dir);
  await buildTree(profile, dir, vfs === undefined ? {} : { vfs });
  return dir;
}

/** Inject driver faults into a tree's kernel model (shared by every process acting on it). */
export async function setFaults(root: string, faults: KernelFaults): Promise<void> {
  const s = await loadHostState(root);
  s.faults = faults;
  await saveHostState(root, s);
}

export async function removeTrees(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}
