import type { AgentAdoption, HostFacts } from "@vfleet/protocol";

export interface HostSummary {
  id: string;
  name: string;
  hostname: string;
  online: boolean;
  lastSeenAt: Date | null;
  snapshotAt: Date | null;
  agentVersion: string | null;
  /** The protocol its agent spoke at its last hello (what jobs it understands); null before one. */
  protocolVersion: string | null;
  /** What its agent's policy adopts (said at its last hello); null when its agent did not say (before protocol 1.8): could not tell. */
  adoption: AgentAdoption | null;
  /** null until the first snapshot. */
  iommuEnabled: boolean | null;
  kernelCmdline: string | null;
  /**
   * Whether the agent acts on the simulator's kernel model (true) or on the host's real kernel
   * (false); null before the first snapshot or from an agent older than protocol 1.12: could not tell.
   */
  simulated: boolean | null;
  /** The cached capacity summary stored with the last snapshot, as the caller gave it. */
  capacity: unknown;
  /** The host audit's verdict on the stored inventory (pass, warn, fail, unknown = could not tell); null before the first snapshot. */
  health: { verdict: string; fail: number; warn: number; unknown: number } | null;
  /**
   * Set when a second connection with this host's agent credential was refused while the first
   * was alive (a copied or stolen credential): the last time and how many, until an admin
   * revokes the credential.
   */
  credentialConflict: { at: Date; count: number } | null;
  /** Set while an operator keeps the host in maintenance: no new placements on it (jobs still run). */
  maintenance: HostMaintenance | null;
  /**
   * Devices and VFs out of service (quarantined by an operator or by device health: never placed)
   * and devices whose AER counters reached the degraded limits.
   */
  deviceHealth: { quarantined: number; degraded: number };
  /** Set when an admin removed the host (soft delete): its history stays readable, nothing new is queued for it. */
  removedAt: Date | null;
}

/** Who put a host in maintenance, when, and why (null when they gave no reason). */
export type HostMaintenance = { since: Date; by: string; reason: string | null };

export const HOST_SUMMARY_SELECT = {
  id: true,
  name: true,
  hostname: true,
  online: true,
  lastSeenAt: true,
  snapshotAt: true,
  agentVersion: true,
  protocolVersion: true,
  adoption: true,
  facts: true,
  capacity: true,
  health: { select: { verdict: true, fail: true, warn: true, unknown: true } },
  credentialConflictAt: true,
  credentialConflicts: true,
  removedAt: true,
  maintenanceAt: true,
  maintenanceBy: true,
  maintenanceReason: true,
  _count: { select: { quarantines: true, deviceHealth: { where: { state: "degraded" } } } },
} as const;

type SummaryRow = {
  [K in keyof typeof HOST_SUMMARY_SELECT]: K extends "facts" | "capacity" | "adoption"
    ? unknown
    : K extends "credentialConflictAt" | "maintenanceAt"
      ? Date | null
      : K extends "maintenanceBy" | "maintenanceReason"
        ? string | null
        : K extends "credentialConflicts"
          ? number
          : K extends "_count"
            ? { quarantines: number; deviceHealth: number }
            : K extends keyof HostSummary
              ? HostSummary[K]
              : never;
};

export function toHostSummary(row: SummaryRow): HostSummary {
  const {
    facts,
    adoption,
    credentialConflictAt,
    credentialConflicts,
    maintenanceAt,
    maintenanceBy,
    maintenanceReason,
    _count,
    ...columns
  } = row;
  const hostFacts = facts as HostFacts | null;
  return {
    ...columns,
    iommuEnabled: hostFacts?.iommu.enabled ?? null,
    kernelCmdline: hostFacts?.kernelCmdline ?? null,
    simulated: hostFacts?.simulated ?? null,
    capacity: row.capacity ?? null,
    adoption: (adoption as AgentAdoption | null) ?? null,
    credentialConflict: credentialConflictAt ? { at: credentialConflictAt, count: credentialConflicts } : null,
    maintenance: maintenanceAt ? { since: maintenanceAt, by: maintenanceBy ?? "unknown", reason: maintenanceReason } : null,
    deviceHealth: { quarantined: _count.quarantines, degraded: _count.deviceHealth },
  };
}
