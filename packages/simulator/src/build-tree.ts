import { createHostState, type HostStateOptions } from "./model/create-host-state.ts";
import type { HostSpec } from "./model/host-spec.ts";
import type { HostState } from "./model/host-state.ts";
import { profiles } from "./profiles/index.ts";
import { renderTree } from "./render/render-tree.ts";

export function resolveProfile(profile: string | HostSpec): HostSpec {
  if (typeof profile !== "string") return profile;
  const spec = profiles[profile];
  if (!spec) throw new Error(`--profile must be one of ${Object.keys(profiles).join(", ")}, got "${profile}"`);
  return spec;
}

/** Build a host's state from a profile and write its sysfs/procfs tree to `outDir`; returns the state. */
export async function buildTree(profile: string | HostSpec, outDir: string, options: HostStateOptions = {}): Promise<HostState> {
  const state = createHostState(resolveProfile(profile), options);
  await renderTree(state, outDir);
  return state;
}
