export { loadPlacementHosts } from "./load-placement-hosts.ts";
export { holdAssignments, settleAssignments, type NewReservation } from "./hold-assignments.ts";
export { savePool, type PoolView } from "./save-pool.ts";
export { listPools, getPool } from "./list-pools.ts";
export { setHostLabels, getHostLabels } from "./set-host-labels.ts";
export { listUsedMacs } from "./list-used-macs.ts";
export { listAssignments, listAssignmentEvents, type AssignmentView, type OutsideAssignment } from "./list-assignments.ts";
