import { sweepOfflineHosts, type Db } from "@vfleet/db";
import type { FleetEvents } from "../lib/fleet-events.ts";
import type { Log } from "./logger.ts";

export interface SweeperOptions {
  db: Db;
  events: FleetEvents;
  log: Log;
  offlineAfterMs: number;
  intervalMs: number;
  /** Hosts just marked offline; the gateway drops any socket still claiming them. */
  onOffline: (hostIds: string[]) => void;
}

/**
 * Marks offline every host silent for `offlineAfterMs`: catches agents that vanished without
 * closing their socket (power loss, cable pull), which no close event will ever report.
 */
export function startOfflineSweeper(options: SweeperOptions): { stop(): Promise<void> } {
  const { db, events, log, offlineAfterMs } = options;
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    try {
      const hostIds = await sweepOfflineHosts(db, { staleAfterMs: offlineAfterMs });
      if (hostIds.length === 0) return;
      log("warn", "hosts went silent, marked offline", { hostIds, offlineAfterMs });
      options.onOffline(hostIds);
      for (const hostId of hostIds) events.emit({ type: "host-offline", hostId });
    } catch (err) {
      log("error", "offline sweep failed", { error: err instanceof Error ? err.message : String(err) });
    }
  };
  const timer = setInterval(() => {
    running = running.then(sweep);
  }, options.intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
