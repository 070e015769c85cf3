import { z } from "zod";
import { AgentAdoption, Inventory, Job, JobState, PciDevice } from "@vfleet/protocol";
import { Role } from "../auth/roles.ts";

/**
 * What the API answers, as zod schemas for the OpenAPI document. Domain objects that grow often
 * (capacity, audit reports, previews) are loose: their named fields are checked, new ones are
 * allowed. test/openapi.int.test.ts validates real answers against the document built from these.
 */
const Timestamp = z.iso.datetime();
const NullableTimestamp = Timestamp.nullable();

export const ErrorResponse = z.looseObject({ error: z.string(), field: z.string().optional() });
/** 409: the preview says the host's agent will refuse the job; `refusals` lists every reason. */
export const AgentRefusalResponse = z.object({
  error: z.string(),
  field: z.string(),
  cause: z.literal("agent-would-refuse"),
  refusals: z.array(z.string()),
});

const Identity = z.object({ kind: z.enum(["user", "token"]), id: z.string(), name: z.string(), role: Role });
export const MeResponse = z.object({ identity: Identity, actor: z.string() });
const User = z.object({ id: z.string(), username: z.string(), role: Role });
export const UserCreatedResponse = z.object({ user: User });
export const UsersResponse = z.object({ users: z.array(User.extend({ createdAt: Timestamp })) });
const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  createdBy: z.string(),
  createdAt: Timestamp,
  expiresAt: NullableTimestamp,
  lastUsedAt: NullableTimestamp,
  revokedAt: NullableTimestamp,
});
export const ApiTokenCreatedResponse = z.object({ token: z.string().startsWith("vft_"), apiToken: ApiToken });
export const ApiTokensResponse = z.object({ tokens: z.array(ApiToken) });
export const ApiTokenRevokedResponse = z.object({ apiToken: ApiToken });
export const AdoptResponse = z.object({
  adopted: z.array(
    z.object({ address: z.string(), pf: z.string().nullable(), mac: z.string().nullable(), vlan: z.number().int().nullable() }),
  ),
});
export const PoolDeletedResponse = z.object({ deleted: z.string() });
export const UserManagedResponse = z.object({ user: User, sessionsEnded: z.number().int() });
export const SessionsRevokedResponse = z.object({ revoked: z.number().int() });
export const HostRevokedResponse = z.object({ revoked: z.number().int(), disconnected: z.boolean() });
export const HostRemovedResponse = z.object({
  removed: z.object({ id: z.string(), name: z.string() }),
  revoked: z.number().int(),
  disconnected: z.boolean(),
  unknownJobs: z.array(z.string()),
  cancelledJobs: z.array(z.string()),
});

export const EnrollmentTokenResponse = z.object({ token: z.string().startsWith("vfe_"), expiresAt: Timestamp });
export const EnrolledResponse = z.object({ hostId: z.string(), hostName: z.string(), credential: z.string().startsWith("vfa_") });

const HostMaintenance = z.object({ since: Timestamp, by: z.string(), reason: z.string().nullable() });
/** A host's maintenance as set: what became of each plan's reservations and, with drain, the release plans queued. */
export const HostMaintenanceResponse = z.looseObject({
  maintenance: HostMaintenance.nullable(),
  reservations: z.array(z.looseObject({ planId: z.string(), action: z.enum(["kept", "released", "kept-running"]) })).optional(),
});
export const LabelMaintenanceResponse = z.looseObject({ enabled: z.boolean(), hosts: z.array(z.looseObject({ name: z.string() })) });

const HostSummary = z.object({
  id: z.string(),
  name: z.string(),
  hostname: z.string(),
  online: z.boolean(),
  lastSeenAt: NullableTimestamp,
  snapshotAt: NullableTimestamp,
  agentVersion: z.string().nullable(),
  protocolVersion: z.string().nullable(),
  iommuEnabled: z.boolean().nullable(),
  /** What its agent's policy adopts, said at its last hello (protocol 1.8); null: its agent did not say (could not tell). */
  adoption: AgentAdoption.nullable(),
  kernelCmdline: z.string().nullable(),
  capacity: z.unknown(),
  health: z
    .object({
      verdict: z.enum(["pass", "warn", "fail", "unknown"]),
      fail: z.number().int(),
      warn: z.number().int(),
      unknown: z.number().int(),
    })
    .nullable(),
  /** A second live connection with this host's agent credential was refused (last time, how many). */
  credentialConflict: z.object({ at: Timestamp, count: z.number().int() }).nullable(),
  /** Set while an operator keeps the host in maintenance (no new placements): since when, by whom, why. */
  maintenance: HostMaintenance.nullable(),
  /** Whether the agent acts on the simulator's kernel model or on the host's real kernel; null: could not tell. */
  simulated: z.boolean().nullable(),
  /** Devices and VFs out of service (by an operator or by device health) and devices degraded by their AER counters. */
  deviceHealth: z.object({ quarantined: z.number().int(), degraded: z.number().int() }),
  /** When an admin removed the host; its jobs and history stay readable, nothing new is queued for it. */
  removedAt: NullableTimestamp,
});
const CapacityPoint = z.object({
  at: Timestamp,
  created: z.number().int(),
  ready: z.number().int(),
  needsBind: z.number().int(),
  assigned: z.number().int(),
  devices: z.number().int(),
  devicesReady: z.number().int(),
  devicesAssigned: z.number().int(),
});
export const CapacityHistoryResponse = z.object({
  hostId: z.string().nullable(),
  hostName: z.string().nullable(),
  from: Timestamp,
  to: Timestamp,
  points: z.array(CapacityPoint),
});
export const HostsResponse = z.object({
  hosts: z.array(HostSummary),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
const DeviceQuarantine = z.object({ address: z.string(), reason: z.string().nullable(), by: z.string(), at: Timestamp });
const AerCounters = z.object({
  correctable: z.number().int().nullable(),
  nonfatal: z.number().int().nullable(),
  fatal: z.number().int().nullable(),
});
/** The stored inventory, each device with its health (AER counters judged; unknown: none to tell by) since when, and the counters it counts from. */
const HostInventory = Inventory.extend({
  devices: z.array(
    PciDevice.extend({
      aer: AerCounters.nullable(),
      health: z.enum(["healthy", "degraded", "quarantined", "unknown"]),
      healthSince: NullableTimestamp,
      aerCountsFrom: AerCounters.nullable(),
    }),
  ),
});
export const HostResponse = z.object({
  host: HostSummary,
  inventory: HostInventory.nullable(),
  capacity: z.unknown(),
  /** Devices and VFs an operator quarantined: never placed until returned to service. */
  quarantined: z.array(DeviceQuarantine),
});
export const QuarantineResponse = z.object({ changed: z.boolean(), quarantine: DeviceQuarantine.nullable() });

const JobView = z.looseObject({
  id: z.string(),
  hostId: z.string(),
  kind: z.string(),
  summary: z.string(),
  job: Job,
  state: JobState,
  attempt: z.number().int(),
  planId: z.string().nullable(),
  createdBy: z.string(),
  steps: z.array(z.looseObject({})),
  error: z.string().nullable(),
  createdAt: Timestamp,
  finishedAt: NullableTimestamp,
});
const JobPreview = z.looseObject({});
export const JobResponse = z.object({ job: JobView });
export const JobsResponse = z.object({ jobs: z.array(JobView) });
export const JobCreatedResponse = z.object({ job: JobView, preview: JobPreview });
export const JobDryRunResponse = z.object({ dryRun: z.literal(true), preview: JobPreview, basis: z.string() });
export const JobCancelledResponse = z.object({ job: JobView, cancelled: z.array(z.string()) });
const Plan = z.looseObject({
  id: z.string(),
  hostId: z.string(),
  title: z.string(),
  createdBy: z.string(),
  stopReason: z.string().nullable(),
});
export const PlanResponse = z.object({ plan: Plan, jobs: z.array(JobView) });
export const PlanDryRunResponse = z.object({
  dryRun: z.literal(true),
  title: z.string(),
  basis: z.string(),
  jobs: z.array(z.looseObject({ ref: z.string(), job: Job, preview: JobPreview })),
});

const AuditEvent = z.looseObject({
  at: Timestamp,
  actor: z.string(),
  action: z.string(),
  summary: z.string(),
  hostId: z.string().nullable(),
});
export const AuditLogResponse = z.object({ events: z.array(AuditEvent) });
export const AuditReport = z.looseObject({
  host: z.string(),
  guest: z.string().nullable(),
  checks: z.array(z.looseObject({ id: z.string(), status: z.string() })),
  summary: z.looseObject({}),
});
export const FleetAuditResponse = z.looseObject({ hosts: z.array(z.looseObject({})), checks: z.array(z.looseObject({})) });

// scheduling
const Counts = { ready: z.number().int(), bindable: z.number().int(), creatable: z.number().int(), assigned: z.number().int() };
const Pool = z.looseObject({
  name: z.string(),
  kind: z.string(),
  selector: z.looseObject({}),
  strategy: z.enum(["pack", "spread"]).nullable().optional(),
  health: z.looseObject({}).nullable().optional(),
});
export const PoolResponse = z.object({ pool: Pool });
export const PoolsResponse = z.object({ pools: z.array(Pool) });
export const PoolCapacityResponse = z.looseObject({
  ...Counts,
  byHost: z.array(z.looseObject({ host: z.string(), numaNode: z.number().int().nullable(), ...Counts })),
});
export const WhatIfResponse = z.looseObject({
  hosts: z.array(z.looseObject({ host: z.string(), now: z.number().int(), afterCreate: z.number().int() })),
});
const Placement = z.looseObject({
  id: z.string().optional(),
  host: z.string(),
  guest: z.looseObject({ vcpus: z.number().int(), memoryMiB: z.number().int() }),
  pfs: z.array(
    z.looseObject({ address: z.string(), netdev: z.string().nullable(), link: z.enum(["up", "down"]).nullable(), vfs: z.number().int() }),
  ),
  vfs: z.array(
    z.looseObject({
      address: z.string(),
      pf: z.string().nullable(),
      pfNetdev: z.string().nullable(),
      link: z.enum(["up", "down"]).nullable(),
      numaNode: z.number().int().nullable(),
      exists: z.boolean(),
    }),
  ),
  jobs: z.array(z.looseObject({})),
});
export const PlacementDryRunResponse = z.union([
  z.object({ dryRun: z.literal(true), placement: Placement }),
  z.object({ dryRun: z.literal(true), id: z.string(), placements: z.array(Placement) }),
]);
export const PlacementCreatedResponse = z.union([
  z.looseObject({ placement: Placement, plan: z.looseObject({}), jobs: z.array(z.looseObject({})) }),
  z.looseObject({ placements: z.array(Placement) }),
]);
export const NoCapacityResponse = z.looseObject({ error: z.string() });
export const AssignmentsResponse = z.looseObject({
  assignments: z.array(z.looseObject({ hostId: z.string(), address: z.string(), guest: z.string() })),
});
export const AssignmentEventsResponse = z.object({
  events: z.array(z.looseObject({ action: z.string(), address: z.string(), guest: z.string() })),
});
/** What becomes of the released guest's definition (in a dry run): undefined when vfleet defined it and this takes its last device. */
const GuestAfterRelease = z.object({ definedByVfleet: z.boolean(), undefines: z.boolean(), line: z.string() });
export const ReleaseResponse = z.looseObject({
  jobs: z.array(z.looseObject({})),
  notes: z.array(z.string()),
  guestAfter: GuestAfterRelease.optional(),
});
export const GroupReleaseResponse = z.looseObject({
  bases: z.record(z.string(), z.string()).optional(),
  releases: z.array(
    z.looseObject({
      hostId: z.string(),
      guest: z.string(),
      jobs: z.array(z.looseObject({})),
      notes: z.array(z.string()),
      guestAfter: GuestAfterRelease.optional(),
    }),
  ),
});
export const HostLabelsResponse = z.object({ labels: z.record(z.string(), z.string()) });
