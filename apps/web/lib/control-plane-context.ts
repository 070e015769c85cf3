import type { RemovedHost } from "@vfleet/db";
import type {
  Db,
  abandonJob,
  cancelJob,
  createApiToken,
  listApiTokens,
  revokeApiToken,
  createEnrollmentToken,
  createJobs,
  createJobGroup,
  savePlacementPreview,
  readPlacementPreview,
  dropPlacementPreview,
  findMacUsers,
  fleetTotals,
  getHost,
  getPlanTarget,
  readFleetHealth,
  getJob,
  getPlan,
  listAuditEvents,
  listAuditPage,
  listHosts,
  listHostsPage,
  listJobs,
  listJobsPage,
  readHostBasis,
  listGuestsDefinedByVfleet,
  redeemEnrollmentToken,
  findRankedCandidateHosts,
  readCandidateVersion,
  findHostIds,
  getHostLabels,
  getPool,
  listAssignmentEvents,
  listAssignments,
  adoptAssignments,
  listPools,
  listUsedMacs,
  loadPlacementHosts,
  loadPoolSummaries,
  savePool,
  setHostLabels,
  setHostMaintenance,
  findHostIdsByLabels,
  listHostReservations,
  listMaintenanceHosts,
  setDeviceQuarantine,
  listDeviceQuarantines,
  listDeviceHealth,
  getHostLiveness,
  readCapacityHistory,
  claimIdempotencyKey,
  saveIdempotentAnswer,
  releaseIdempotencyKey,
  renewIdempotencyClaim,
} from "@vfleet/db";
import type { createUser } from "../server/auth/create-user.ts";
import type { listUsers } from "../server/auth/list-users.ts";
import type { deleteUser, updateUser } from "../server/auth/manage-users.ts";
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
  getPlanTarget: typeof getPlanTarget;
  readFleetHealth: typeof readFleetHealth;
  createEnrollmentToken: typeof createEnrollmentToken;
  redeemEnrollmentToken: typeof redeemEnrollmentToken;
  createJobs: typeof createJobs;
  cancelJob: typeof cancelJob;
  abandonJob: typeof abandonJob;
  findMacUsers: typeof findMacUsers;
  readHostBasis: typeof readHostBasis;
  listGuestsDefinedByVfleet: typeof listGuestsDefinedByVfleet;
  listJobs: typeof listJobs;
  listJobsPage: typeof listJobsPage;
  getJob: typeof getJob;
  getPlan: typeof getPlan;
  listAuditEvents: typeof listAuditEvents;
  listAuditPage: typeof listAuditPage;
  // scheduler
  loadPlacementHosts: typeof loadPlacementHosts;
  loadPoolSummaries: typeof loadPoolSummaries;
  findRankedCandidateHosts: typeof findRankedCandidateHosts;
  readCandidateVersion: typeof readCandidateVersion;
  findHostIds: typeof findHostIds;
  listUsedMacs: typeof listUsedMacs;
  savePool: typeof savePool;
  listPools: typeof listPools;
  getPool: typeof getPool;
  createJobGroup: typeof createJobGroup;
  savePlacementPreview: typeof savePlacementPreview;
  readPlacementPreview: typeof readPlacementPreview;
  dropPlacementPreview: typeof dropPlacementPreview;
  setHostLabels: typeof setHostLabels;
  getHostLabels: typeof getHostLabels;
  // maintenance and drain
  setHostMaintenance: typeof setHostMaintenance;
  findHostIdsByLabels: typeof findHostIdsByLabels;
  listHostReservations: typeof listHostReservations;
  listMaintenanceHosts: typeof listMaintenanceHosts;
  // device quarantine
  setDeviceQuarantine: typeof setDeviceQuarantine;
  listDeviceQuarantines: typeof listDeviceQuarantines;
  listDeviceHealth: typeof listDeviceHealth;
  listAssignments: typeof listAssignments;
  adoptAssignments: typeof adoptAssignments;
  listAssignmentEvents: typeof listAssignmentEvents;
  // capacity charts
  getHostLiveness: typeof getHostLiveness;
  readCapacityHistory: typeof readCapacityHistory;
  // Idempotency-Key on writes
  claimIdempotencyKey: typeof claimIdempotencyKey;
  saveIdempotentAnswer: typeof saveIdempotentAnswer;
  releaseIdempotencyKey: typeof releaseIdempotencyKey;
  renewIdempotencyClaim: typeof renewIdempotencyClaim;
}

/**
 * What the custom server hands to code Next bundles (route handlers, server components).
 * Next compiles server code into its own bundle, so a module-level singleton in the custom
 * server is a different object from the "same" module inside Next: a `globalThis` slot keyed by
 * a registered symbol is the one place both see.
 */
export interface ControlPlaneContext {
  db: Db;
  /** Seals the identity header the custom server hands to Next (lib/auth/identity-seal.ts); random per control plane. */
  identityKey: Buffer;
  queries: DbQueries;
  events: FleetEvents;
  /** Wakes the job dispatcher after a job was queued for a host. */
  jobs: { kick(hostId: string): void };
  /** Users and API tokens (the custom server owns better-auth and the password hashing). */
  identity: {
    createUser: typeof createUser;
    listUsers: typeof listUsers;
    updateUser: typeof updateUser;
    deleteUser: typeof deleteUser;
    createApiToken: typeof createApiToken;
    listApiTokens: typeof listApiTokens;
    revokeApiToken: typeof revokeApiToken;
  };
  agents: {
    /** Revoke a host's agent credentials and close its live socket with 4401 (its in-flight jobs become `unknown`). */
    revokeHost(hostId: string): Promise<{ revoked: number; disconnected: boolean }>;
    /** Remove a host (soft delete, see @vfleet/db removeHost) and close its live socket with 4401. Null: no such host. */
    removeHost(hostId: string, actor: string): Promise<(RemovedHost & { disconnected: boolean }) | null>;
  };
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
