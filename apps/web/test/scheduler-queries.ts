import {
  createJobGroup,
  createJobs,
  dropPlacementPreview,
  findRankedCandidateHosts,
  readCandidateVersion,
  findHostIds,
  getPlanTarget,
  getPlan,
  getPool,
  listUsedMacs,
  loadPlacementHosts,
  loadPoolSummaries,
  readPlacementPreview,
  savePlacementPreview,
} from "@vfleet/db";
import type { SchedulerQueries } from "../lib/placement/place-and-reserve.ts";

/** The scheduler's reads and writes as the control plane wires them (tests call placeAndReserve with them). */
export const schedulerQueries: SchedulerQueries = {
  loadPlacementHosts,
  findRankedCandidateHosts,
  readCandidateVersion,
  loadPoolSummaries,
  findHostIds,
  listUsedMacs,
  getPlanTarget,
  createJobs,
  createJobGroup,
  getPlan,
  getPool,
  savePlacementPreview,
  readPlacementPreview,
  dropPlacementPreview,
};
