import type {
  Db, abandonJob, cancelJob, createEnrollmentToken, createJobs, findMacUsers, fleetTotals, getHost, getJob, getPlan, listAuditEvents, listHosts, listHostsPage,
  listJobs, listJobsPage, readHostBasis, redeemEnrollmentToken,
} from "@vfleet/db";
import type { FleetEvents } from "./fleet-events.ts";

/**
 * The @vfleet/db operations the Next side uses. They are handed over at runtime instead of
 * imported: bundling @vfleet/db would pull Prisma's generated client, the embedded PostgreSQL
 * launcher and the migration engine into Next's server bundle (it fails on their file paths),
 * and would load a second copy of Prisma next to the custom server's.
 */
export interface DbQueries {
  listHosts: typeof listHosts;
  listHostsPage: typeof listHostsPage;
  fleetTotals: typeof fleetTotals;
  getHost: typeof getHost;
  createEnrollmentToken: typeof createEnrollmentToken;
  redeemEnrollmentToken: typeof redeemEnrollmentToken;
  createJobs: typeof createJobs;
  cancelJob: typeof cancelJob;
  abandonJob: typeof abandonJob;
  findMacUsers: typeof findMacUsers;
  readHostBasis: typeof readHostBasis;
  listJobs: typeof listJobs;
  listJobsPage: typeof listJobsPage;
  getJob: typeof getJob;
  getPlan: typeof getPlan;
  listAuditEvents: typeof listAuditEvents;
}

/**
 * What the custom server hands to code Next bundles (route handlers, server components).
 * Next compiles server code into its own bundle, so a module-level singleton in the custom
 * server is a different object from the "same" module inside Next: a `globalThis` slot keyed by
 * a registered symbol is the one place both see.
 */
export interface ControlPlaneContext {
  db: Db;
  queries: DbQueries;
  events: FleetEvents;
  /** Wakes the job dispatcher after a job was queued for a host. */
  jobs: { kick(hostId: string): void };
}

const SLOT = Symbol.for("vfleet.control-plane");

type Slotted = typeof globalThis & { [SLOT]?: ControlPlaneContext };

export function setControlPlaneContext(context: ControlPlaneContext | undefined): void {
  (globalThis as Slotted)[SLOT] = context;
}

export function getControlPlaneContext(): ControlPlaneContext {
  const context = (globalThis as Slotted)[SLOT];
  if (!context) throw new Error("control plane not started: run the app through apps/web/server (createControlPlane), not `next start`");
  return context;
}
