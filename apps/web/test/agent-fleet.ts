import { startAgentSession, type AgentSession } from "@vfleet/agent/session";
import { JobRunner } from "@vfleet/agent/job-runner";
import { createEnrollmentToken, redeemEnrollmentToken, type Db } from "@vfleet/db";
import type { Inventory } from "@vfleet/protocol";
import { hashContent } from "@vfleet/protocol/hash";
import { scanProfiles } from "./scan-profiles.ts";

/** What a fleet of agents went through on the wire, from the agent's own log lines. */
interface AgentFleetStats {
  /** Upgrades the agent gave up on (its handshake timeout), each followed by a reconnect with backoff. */
  handshakeTimeouts: number;
  /** Upgrades answered 503/429 with Retry-After, each followed by a wait as told. */
  toldToWait: number;
  /** Refused because another live connection held the credential (4423). */
  credentialConflicts: number;
  /** Close codes that ended a connection, with counts. */
  closeCodes: Map<number, number>;
  /** Upgrades that succeeded (each agent's "connected as" line). */
  connections: number;
}

/** One agent of the fleet: the real agent's session over a given inventory. */
interface FleetAgent {
  readonly hostId: string;
  readonly inventory: Inventory;
  /** The content hash of the inventory as it is now. */
  readonly hash: string;
  /** The hash the control plane last confirmed holding, and when (Date.now()). */
  readonly confirmedHash: string | null;
  readonly confirmedAt: number;
  /** True once the control plane holds this agent's current inventory. */
  readonly synced: boolean;
  /** Change the host (an operator's change by hand): the agent's next tick notices and reports it. */
  change(mutate: (inventory: Inventory) => void): void;
}

export interface AgentFleet {
  agents: FleetAgent[];
  stats: AgentFleetStats;
  /** While true, every job an agent starts waits (running, in flight) until `releaseJobs`. */
  holdJobs: boolean;
  /** End the wait of every held job: each succeeds. */
  releaseJobs(): void;
  /** Start every agent at once (as a fleet does after a power cut or a control-plane upgrade). */
  start(): void;
  stop(): Promise<void>;
}

const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);

/** Reads the agent's log lines into the stats: the agent says each of these events in its log and nowhere else. */
function countLine(stats: AgentFleetStats, line: string): void {
  if (line.startsWith("connection error: Opening handshake has timed out")) stats.handshakeTimeouts++;
  else if (line.startsWith("control plane busy:")) stats.toldToWait++;
  else if (line.startsWith("another live agent holds")) stats.credentialConflicts++;
  else if (line.startsWith("connected as ")) stats.connections++;
  else {
    const closed = /^disconnected \((\d+) /.exec(line) ?? /^server refused this agent \((\d+)\)/.exec(line);
    if (closed) bump(stats.closeCodes, Number(closed[1]));
  }
}

/**
 * `count` hosts enrolled the way the API enrolls them, each served by the real agent's connection
 * code (`startAgentSession`: its handshake timeout, backoff, Retry-After handling, heartbeats,
 * hash-skipped snapshots, job runner) in this process. Only the host is stood in for: the scan
 * returns a real scan of a simulated host (every `1 / dgx2Share`-th a DGX-2, the rest Intel 82576
 * hosts) under the host's own name, its fingerprint changes when `change` is called, and jobs
 * succeed (at once, or when released while `holdJobs` is set). Not started yet.
 */
export async function createAgentFleet(
  db: Db,
  count: number,
  options: { url: string; dgx2Share?: number; prefix?: string; scanIntervalMs?: number },
): Promise<AgentFleet> {
  const scans = await scanProfiles();
  const stats: AgentFleetStats = { handshakeTimeouts: 0, toldToWait: 0, credentialConflicts: 0, closeCodes: new Map(), connections: 0 };
  const every = options.dgx2Share ? Math.round(1 / options.dgx2Share) : 0;
  const prefix = options.prefix ?? "load";
  const starts: Array<() => AgentSession> = [];
  const agents: FleetAgent[] = [];
  const held: Array<() => void> = [];
  const fleet = {
    holdJobs: false,
    releaseJobs: () => {
      for (const release of held.splice(0)) release();
    },
  };
  // The host's side of a job: it succeeds, at once or once released.
  const execute = async () => {
    if (fleet.holdJobs) await new Promise<void>((resolve) => held.push(resolve));
    return { status: "succeeded" as const, changed: false, steps: [], error: null, observed: {} };
  };
  const enroll = async (i: number) => {
    const inventory = structuredClone(every && i % every === every - 1 ? scans.dgx2 : scans.small);
    const hostName = `${prefix}-${String(i).padStart(5, "0")}`;
    inventory.host.hostname = `${hostName}.lab`;
    const { token } = await createEnrollmentToken(db, { hostName });
    const host = await redeemEnrollmentToken(db, { token, hostname: inventory.host.hostname });
    if (!host) throw new Error(`enrollment of ${inventory.host.hostname} failed`);
    let version = 0;
    let hash = hashContent(inventory);
    let confirmedHash: string | null = null;
    let confirmedAt = 0;
    agents[i] = {
      hostId: host.hostId,
      inventory,
      get hash() {
        return hash;
      },
      get confirmedHash() {
        return confirmedHash;
      },
      get confirmedAt() {
        return confirmedAt;
      },
      get synced() {
        return confirmedHash === hash;
      },
      change(mutate) {
        mutate(inventory);
        hash = hashContent(inventory);
        version++;
      },
    };
    const log = (line: string) => countLine(stats, line);
    starts[i] = () =>
      startAgentSession({
        state: { server: options.url, hostId: host.hostId, hostName: host.hostName, credential: host.credential },
        scan: () => Promise.resolve(inventory),
        fingerprint: () => String(version),
        scanIntervalMs: options.scanIntervalMs ?? 1500,
        agentVersion: "0.0.0-load",
        jobs: new JobRunner(execute, log),
        log,
        onStatus: (change) => {
          if (change.lastSnapshotHash === undefined) return;
          confirmedHash = change.lastSnapshotHash;
          confirmedAt = Date.now();
        },
      });
  };
  // Eight at a time: thousands of enrollments one by one take minutes.
  for (let i = 0; i < count; i += 8) await Promise.all(Array.from({ length: Math.min(8, count - i) }, (_, k) => enroll(i + k)));
  const sessions: AgentSession[] = [];
  return Object.assign(fleet, {
    agents,
    stats,
    start: () => {
      for (const start of starts) sessions.push(start());
    },
    stop: async () => {
      fleet.releaseJobs();
      await Promise.all(sessions.map((s) => s.stop()));
    },
  });
}
