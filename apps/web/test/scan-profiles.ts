import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanHost } from "@vfleet/agent/scan";
import type { Inventory } from "@vfleet/protocol";
import { buildTree } from "@vfleet/simulator";

let profiles: Promise<{ small: Inventory; dgx2: Inventory }> | null = null;

/** Real scans of the simulator's hosts, made once per process: the fleet's agents carry clones of them. */
export function scanProfiles(): Promise<{ small: Inventory; dgx2: Inventory }> {
  profiles ??= scanSimulatedHosts();
  return profiles;
}

async function scanSimulatedHosts(): Promise<{ small: Inventory; dgx2: Inventory }> {
  const dir = await mkdtemp(join(tmpdir(), "vfleet-scan-profiles-"));
  try {
    await buildTree("intel-82576", join(dir, "small"));
    await buildTree("dgx2", join(dir, "dgx2"));
    return { small: await scanHost(join(dir, "small")), dgx2: await scanHost(join(dir, "dgx2")) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
