export { loadPlacementHosts, type Queryable } from "./load-placement-hosts.ts";
export { holdAssignments, settleAssignments, type NewReservation, type SummaryMove } from "./hold-assignments.ts";
export { savePool, type PoolView } from "./save-pool.ts";
export { listPools, getPool } from "./list-pools.ts";
export { setHostLabels, getHostLabels } from "./set-host-labels.ts";
export {
  setHostMaintenance,
  findHostIdsByLabels,
  listHostReservations,
  listMaintenanceHosts,
  type MaintenanceChange,
  type HeldReservation,
} from "./set-host-maintenance.ts";
export { setDeviceQuarantine, listDeviceQuarantines, type DeviceQuarantineView, type QuarantineOutcome } from "./set-device-quarantine.ts";
export { listUsedMacs } from "./list-used-macs.ts";
export { listAssignments, listAssignmentEvents, type AssignmentView, type OutsideAssignment } from "./list-assignments.ts";
export { refreshNodeCapacity, refreshPfCapacity } from "./refresh-pf-capacity.ts";
export { adoptAssignments, type AdoptResult, type AdoptedVf } from "./adopt-assignments.ts";
export { findCandidateHosts, findRankedCandidateHosts, type CandidateQuery, type RankedCandidate } from "./find-candidate-hosts.ts";
export { findHostIds } from "./find-host-ids.ts";
export { readCandidateVersion } from "./read-candidate-version.ts";
export { loadPoolSummaries, type VersionedSummaryHost } from "./load-pool-summaries.ts";
export {
  savePlacementPreview,
  readPlacementPreview,
  dropPlacementPreview,
  PREVIEW_TTL_MS,
  type StoredPreview,
} from "./placement-previews.ts";
