import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanHost } from "@vfleet/agent/scan";
import { createEnrollmentToken, redeemEnrollmentToken, type Db } from "@vfleet/db";
import type { Inventory } from "@vfleet/protocol";
import { buildTree } from "@vfleet/simulator";
import { FakeAgent, newStats, type FakeAgentOptions, type FakeAgentStats } from "./fake-agent.ts";

export interface FakeFleet {
  agents: FakeAgent[];
  hostIds: string[];
  stats: FakeAgentStats;
  stop(): void;
}

let profiles: Promise<{ small: Inventory; dgx2: Inventory }> | null = null;

/** Real scans of the simulator's hosts, made once per process: the fleet's agents carry clones of them. */
export function scanProfiles(): Promise<{ small: Inventory; dgx2: Inventory }> {
  profiles ??= scanSimulatedHosts();
  return profiles;
}

async function scanSimulatedHosts(): Promise<{ small: Inventory; dgx2: Inventory }> {
  const dir = await mkdtemp(join(tmpdir(), "vfleet-fake-fleet-"));
  try {
    await buildTree("intel-82576", join(dir, "small"));
    await buildTree("dgx2", join(dir, "dgx2"));
    return { small: await scanHost(join(dir, "small")), dgx2: await scanHost(join(dir, "dgx2")) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `count` hosts enrolled the way the API enrolls them (token, then redeem), each with a fake
 * agent carrying a real scan of a simulated host under its own hostname: every
 * `1 / dgx2Share`-th a DGX-2 (160 VFs), the rest Intel 82576 hosts. Not connected yet.
 */
export async function createFakeFleet(
  db: Db,
  count: number,
  options: Omit<FakeAgentOptions, "credential" | "inventory"> & { dgx2Share?: number; prefix?: string },
): Promise<FakeFleet> {
  const scans = await scanProfiles();
  const stats = newStats();
  const every = options.dgx2Share ? Math.round(1 / options.dgx2Share) : 0;
  const agents: FakeAgent[] = [];
  const hostIds: string[] = [];
  const prefix = options.prefix ?? "load";
  const enroll = async (i: number) => {
    const inventory = structuredClone(every && i % every === every - 1 ? scans.dgx2 : scans.small);
    inventory.host.hostname = `${prefix}-${String(i).padStart(5, "0")}.lab`;
    const { token } = await createEnrollmentToken(db, { hostName: `${prefix}-${String(i).padStart(5, "0")}` });
    const host = await redeemEnrollmentToken(db, { token, hostname: inventory.host.hostname });
    if (!host) throw new Error(`enrollment of ${inventory.host.hostname} failed`);
    hostIds[i] = host.hostId;
    agents[i] = new FakeAgent({ ...options, credential: host.credential, inventory }, stats);
  };
  // Eight at a time: thousands of enrollments one by one take minutes.
  for (let i = 0; i < count; i += 8) await Promise.all(Array.from({ length: Math.min(8, count - i) }, (_, k) => enroll(i + k)));
  return {
    agents,
    hostIds,
    stats,
    stop: () => {
      for (const a of agents) a.stop();
    },
  };
}
