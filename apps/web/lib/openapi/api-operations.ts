import { z } from "zod";
import { CreateEnrollmentTokenRequest, EnrollRequest } from "../api-schemas.ts";
import { AuditPlanVariants } from "../audit-api-schemas.ts";
import { CreateApiTokenRequest, CreateUserRequest, SetupRequest, UpdateUserRequest } from "../auth/identity-api-schemas.ts";
import { CreateJobRequest, CreatePlanRequest } from "../jobs/job-api-schemas.ts";
import { HostMaintenanceBody, LabelMaintenanceBody, QuarantineBody } from "../maintenance/maintenance-api-schemas.ts";
import {
  AdoptBody,
  LabelsBody,
  PlacementBody,
  PoolBody,
  PoolPreviewBody,
  ReleaseBody,
  ReleaseGroupBody,
  WhatIfBody,
} from "../placement/placement-api-schemas.ts";
import * as R from "./response-schemas.ts";

export type Operation = {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Next's folder syntax, as in ACCESS_RULES: `/api/v1/hosts/[hostId]`. */
  route: string;
  summary: string;
  /** The schema the route handler validates the body with. */
  body?: z.ZodType;
  query?: Record<string, string>;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
};

const e = (description: string) => ({ description, schema: R.ErrorResponse });
/** A confirm without the basis of its preview (or force: true): nothing queued. */
const noBasis = e("no basis: send the basis its dry run returned, or force: true (field basis)");

/**
 * Every /api/v1 operation: the request schemas are the ones the handlers validate with, the
 * response schemas describe what they answer. The OpenAPI document is generated from this list
 * (lib/openapi/build-openapi-document.ts); test/openapi.int.test.ts fails for a route file with
 * no operation here and for a real answer the document does not describe.
 */
export const API_OPERATIONS: Operation[] = [
  {
    method: "post",
    route: "/api/v1/setup",
    summary: "Create the first admin (only while no user exists)",
    body: SetupRequest,
    responses: { 201: { description: "the admin", schema: R.UserCreatedResponse }, 400: e("a field is invalid"), 409: e("setup is done") },
  },
  {
    method: "get",
    route: "/api/v1/me",
    summary: "Who the control plane thinks is calling",
    responses: { 200: { description: "the caller", schema: R.MeResponse } },
  },
  { method: "get", route: "/api/v1/users", summary: "List users", responses: { 200: { description: "users", schema: R.UsersResponse } } },
  {
    method: "post",
    route: "/api/v1/users",
    summary: "Create a user",
    body: CreateUserRequest,
    responses: {
      201: { description: "the user", schema: R.UserCreatedResponse },
      400: e("a field is invalid"),
      409: e("the user name is taken"),
    },
  },
  {
    method: "patch",
    route: "/api/v1/users/[userId]",
    summary: "Change a user's role or reset their password (a reset ends their sessions)",
    body: UpdateUserRequest,
    responses: {
      200: { description: "the user as changed", schema: R.UserManagedResponse },
      400: e("a field is invalid, or neither role nor password given"),
      404: e("no such user"),
      409: e("it would demote the last admin"),
    },
  },
  {
    method: "delete",
    route: "/api/v1/users/[userId]",
    summary: "Delete a user (their sessions end with them)",
    responses: {
      200: { description: "the user deleted", schema: R.UserManagedResponse },
      404: e("no such user"),
      409: e("the user is the last admin"),
    },
  },
  {
    method: "delete",
    route: "/api/v1/users/[userId]/sessions",
    summary: "Sign a user out everywhere (their sessions end at once)",
    responses: { 200: { description: "how many sessions ended", schema: R.SessionsRevokedResponse }, 404: e("no such user") },
  },
  {
    method: "get",
    route: "/api/v1/tokens",
    summary: "List API tokens (never their secrets)",
    responses: { 200: { description: "tokens", schema: R.ApiTokensResponse } },
  },
  {
    method: "post",
    route: "/api/v1/tokens",
    summary: "Create an API token; it is shown once",
    body: CreateApiTokenRequest,
    responses: {
      201: { description: "the token", schema: R.ApiTokenCreatedResponse },
      400: e("a field is invalid"),
      409: e("the name was used before"),
    },
  },
  {
    method: "delete",
    route: "/api/v1/tokens/[tokenId]",
    summary: "Revoke an API token (401 from its next use)",
    responses: { 200: { description: "the revoked token", schema: R.ApiTokenRevokedResponse }, 404: e("no such token") },
  },
  {
    method: "post",
    route: "/api/v1/enrollment-tokens",
    summary: "Create a one-time enrollment token for an agent",
    body: CreateEnrollmentTokenRequest,
    responses: { 201: { description: "the token", schema: R.EnrollmentTokenResponse }, 400: e("a field is invalid") },
  },
  {
    method: "post",
    route: "/api/v1/enroll",
    summary: "An agent trades its enrollment token for a credential",
    body: EnrollRequest,
    responses: {
      201: { description: "the host's credential", schema: R.EnrolledResponse },
      400: e("a field is invalid"),
      401: e("unknown, used or expired token"),
      429: e("too many attempts from this address"),
    },
  },
  {
    method: "get",
    route: "/api/v1/hosts",
    summary: "One page of hosts with their capacity summaries, filtered and sorted",
    query: {
      q: "name or hostname contains",
      sort: "name, status, lastSeen, possible, created, bound, assigned or free",
      dir: "asc or desc",
      limit: "1-1000 (200)",
      offset: "0-",
    },
    responses: { 200: { description: "hosts and how many match", schema: R.HostsResponse }, 400: e("a parameter is invalid") },
  },
  {
    method: "get",
    route: "/api/v1/hosts/[hostId]/labels",
    summary: "A host's operator-set labels",
    responses: { 200: { description: "labels", schema: R.HostLabelsResponse }, 404: e("no such host") },
  },
  {
    method: "put",
    route: "/api/v1/hosts/[hostId]/labels",
    summary: "Replace a host's labels (key=value, for pools and placement)",
    body: LabelsBody,
    responses: { 200: { description: "labels", schema: R.HostLabelsResponse }, 400: e("a field is invalid"), 404: e("no such host") },
  },
  {
    method: "get",
    route: "/api/v1/hosts/[hostId]/maintenance",
    summary: "Whether a host is in maintenance, since when, by whom and why",
    responses: { 200: { description: "maintenance", schema: R.HostMaintenanceResponse }, 404: e("no such host") },
  },
  {
    method: "put",
    route: "/api/v1/hosts/[hostId]/maintenance",
    summary:
      "A host into or out of maintenance (no new placements); reservations kept or released; drain releases its assignments through previewed release plans",
    body: HostMaintenanceBody,
    responses: {
      200: {
        description: "maintenance as set (or, dryRun, the drain's release plans and the basis to confirm them)",
        schema: R.HostMaintenanceResponse,
      },
      400: e("a field is invalid"),
      404: e("no such host"),
      409: e("the host changed since the preview (field basis), or the agent would refuse a release job"),
      428: noBasis,
    },
  },
  {
    method: "put",
    route: "/api/v1/hosts/[hostId]/devices/[address]/quarantine",
    summary: "Quarantine a device or VF (never placed; a PF's covers its VFs), or return it to service",
    body: QuarantineBody,
    responses: {
      200: { description: "the quarantine as set", schema: R.QuarantineResponse },
      400: e("a field is invalid"),
      404: e("no such host, or the host reported no such device"),
    },
  },
  {
    method: "put",
    route: "/api/v1/maintenance",
    summary: "Every host carrying these labels into or out of maintenance",
    body: LabelMaintenanceBody,
    responses: { 200: { description: "the hosts", schema: R.LabelMaintenanceResponse }, 400: e("a field is invalid or no host matches") },
  },
  { method: "get", route: "/api/v1/pools", summary: "Every pool", responses: { 200: { description: "pools", schema: R.PoolsResponse } } },
  {
    method: "post",
    route: "/api/v1/pools",
    summary: "Create a pool (a named selector over the fleet's VFs or devices)",
    body: PoolBody,
    responses: { 201: { description: "the pool", schema: R.PoolResponse }, 400: e("a field is invalid"), 409: e("the name is taken") },
  },
  {
    method: "post",
    route: "/api/v1/pools/preview",
    summary: "What a selector would match, as capacity (stores nothing)",
    body: PoolPreviewBody,
    responses: { 200: { description: "capacity", schema: R.PoolCapacityResponse }, 400: e("a field is invalid") },
  },
  {
    method: "get",
    route: "/api/v1/pools/[name]",
    summary: "A pool",
    responses: { 200: { description: "the pool", schema: R.PoolResponse }, 404: e("no such pool") },
  },
  {
    method: "put",
    route: "/api/v1/pools/[name]",
    summary: "Change a pool's selector",
    body: PoolBody,
    responses: { 200: { description: "the pool", schema: R.PoolResponse }, 400: e("a field is invalid"), 404: e("no such pool") },
  },
  {
    method: "delete",
    route: "/api/v1/pools/[name]",
    summary: "Delete a pool; refused while it holds reserved or assigned functions",
    responses: {
      200: { description: "the pool's name", schema: R.PoolDeletedResponse },
      404: e("no such pool"),
      409: e("the pool holds reserved or assigned functions (the answer names the guests)"),
    },
  },
  {
    method: "get",
    route: "/api/v1/pools/[name]/capacity",
    summary: "A pool's capacity: ready, bindable, creatable, assigned, by host and NUMA node",
    responses: { 200: { description: "capacity", schema: R.PoolCapacityResponse }, 404: e("no such pool") },
  },
  {
    method: "post",
    route: "/api/v1/placements",
    summary:
      'Place N VFs from a pool for a guest (or `replicas` guests): a plan (dryRun: only the answer, with placement.id); `{ "confirm": id }` runs a dry run exactly',
    body: PlacementBody,
    responses: {
      201: {
        description: "the placement (exactly the preview's on a confirm), reserved, and its plan queued",
        schema: R.PlacementCreatedResponse,
      },
      200: { description: "dry run: the placement and its id (a group: placements)", schema: R.PlacementDryRunResponse },
      400: e("a field is invalid"),
      404: e("confirm: no open preview with that id (expired, or confirmed already)"),
      409: {
        description:
          "nothing fits: why, in numbers, and the best candidates; on a confirm: what changed and a new preview; or the agent would refuse a job of the plan",
        schema: R.NoCapacityResponse.or(R.AgentRefusalResponse),
      },
    },
  },
  {
    method: "post",
    route: "/api/v1/placements/what-if",
    summary: "How much of a request each host could take, now and after creating VFs (reserves nothing)",
    body: WhatIfBody,
    responses: { 200: { description: "per host", schema: R.WhatIfResponse }, 400: e("a field is invalid") },
  },
  {
    method: "get",
    route: "/api/v1/assignments",
    summary: "What vfleet has reserved or assigned, with drift",
    query: { hostId: "only this host", guest: "only this guest" },
    responses: { 200: { description: "assignments", schema: R.AssignmentsResponse } },
  },
  {
    method: "get",
    route: "/api/v1/assignments/history",
    summary: "Every reservation, assignment and release, newest first",
    query: { hostId: "only this host", guest: "only this guest", address: "only this function", limit: "1-1000" },
    responses: { 200: { description: "events", schema: R.AssignmentEventsResponse }, 400: e("limit is invalid") },
  },
  {
    method: "post",
    route: "/api/v1/assignments/release",
    summary:
      "Release a guest's assignments: detach, driver back or kept, MAC/VLAN restored (a plan); or a group of guests ({ guests }), all or nothing",
    body: z.union([ReleaseBody, ReleaseGroupBody]),
    responses: {
      201: { description: "the release plan (a group: one per guest)", schema: z.union([R.ReleaseResponse, R.GroupReleaseResponse]) },
      200: {
        description: "dry run: the jobs (a group: each guest's, and each host's basis)",
        schema: z.union([R.ReleaseResponse, R.GroupReleaseResponse]),
      },
      400: e("a field is invalid"),
      404: e("no such host"),
      409: e("a job of the release conflicts, the agent would refuse one (refusals), or the host changed since the dry run (basis)"),
      428: noBasis,
    },
  },
  {
    method: "post",
    route: "/api/v1/assignments/adopt",
    summary: "Adopt a guest's VFs attached outside vfleet as assignments, as they are (nothing on the host changes)",
    body: AdoptBody,
    responses: {
      201: { description: "the VFs adopted", schema: R.AdoptResponse },
      400: e("a field is invalid, or the guest holds no VF attached outside vfleet"),
      404: e("no such host"),
      409: e("the host changed since the basis was read (the answer carries the new basis)"),
      428: noBasis,
    },
  },
  {
    method: "get",
    route: "/api/v1/hosts/[hostId]",
    summary:
      "A host, its stored inventory and capacity (VFs, whole devices, and its GPUs with model, state, NUMA node, IOMMU group and PCIe path)",
    responses: { 200: { description: "the host", schema: R.HostResponse }, 404: e("no such host") },
  },
  {
    method: "delete",
    route: "/api/v1/hosts/[hostId]",
    summary: "Remove a host: its socket closes (4401), its jobs in flight become unknown, it leaves lists and totals; its history stays",
    responses: { 200: { description: "the removed host", schema: R.HostRemovedResponse }, 404: e("no such host, or already removed") },
  },
  {
    method: "post",
    route: "/api/v1/hosts/[hostId]/revoke",
    summary: "Revoke a host's agent credential and close its socket (4401)",
    responses: { 200: { description: "what was revoked", schema: R.HostRevokedResponse }, 404: e("no such host") },
  },
  {
    method: "get",
    route: "/api/v1/hosts/[hostId]/jobs",
    summary: "A host's jobs, newest first",
    query: { limit: "at most this many (1-1000)" },
    responses: { 200: { description: "jobs", schema: R.JobsResponse }, 400: e("limit is invalid"), 404: e("no such host") },
  },
  {
    method: "post",
    route: "/api/v1/jobs",
    summary: "Queue a job on a host (or preview it with dryRun)",
    body: CreateJobRequest,
    responses: {
      201: { description: "the queued job and its preview", schema: R.JobCreatedResponse },
      200: { description: "dry run: the preview", schema: R.JobDryRunResponse },
      400: e("a field is invalid"),
      404: e("no such host"),
      409: e(
        "another unfinished job changes the same device or guest, the preview says the agent will refuse it (refusals), or the host changed since the dry run (basis)",
      ),
      428: noBasis,
    },
  },
  {
    method: "get",
    route: "/api/v1/jobs/[jobId]",
    summary: "A job: state, steps, result",
    responses: { 200: { description: "the job", schema: R.JobResponse }, 404: e("no such job") },
  },
  {
    method: "post",
    route: "/api/v1/jobs/[jobId]/cancel",
    summary: "Cancel a queued job",
    responses: {
      200: { description: "the cancelled job (and later plan jobs)", schema: R.JobCancelledResponse },
      404: e("no such job"),
      409: e("the job is no longer queued"),
    },
  },
  {
    method: "post",
    route: "/api/v1/jobs/[jobId]/abandon",
    summary: "Give up on a job stuck in unknown (its host never returned): it ends abandoned, audited",
    responses: {
      200: { description: "the abandoned job (and later plan jobs cancelled)", schema: R.JobCancelledResponse },
      404: e("no such job"),
      409: e("the job is not unknown"),
    },
  },
  {
    method: "post",
    route: "/api/v1/plans",
    summary: "Queue a plan of jobs (or preview it with dryRun)",
    body: CreatePlanRequest,
    responses: {
      201: { description: "the plan and its jobs", schema: R.PlanResponse },
      200: { description: "dry run: each job's preview", schema: R.PlanDryRunResponse },
      400: e("a field is invalid"),
      404: e("no such host"),
      409: e("a job of the plan conflicts, the agent would refuse one (refusals), or the host changed since the dry run (basis)"),
      428: noBasis,
    },
  },
  {
    method: "get",
    route: "/api/v1/plans/[planId]",
    summary: "A plan and its jobs",
    responses: { 200: { description: "the plan", schema: R.PlanResponse }, 404: e("no such plan") },
  },
  {
    method: "get",
    route: "/api/v1/audit-log",
    summary: "Who changed what, newest first",
    query: { hostId: "only this host", limit: "at most this many (1-1000)" },
    responses: { 200: { description: "events", schema: R.AuditLogResponse }, 400: e("limit is invalid") },
  },
  {
    method: "get",
    route: "/api/v1/capacity-history",
    summary: "VF and device capacity over time, downsampled, for a host or the fleet",
    query: {
      hostId: "one host (else the whole fleet)",
      hours: "how far back (1-8760, default 24)",
      points: "how many intervals (2-500, default 48)",
    },
    responses: {
      200: { description: "one point per interval end, plus the state at `from`", schema: R.CapacityHistoryResponse },
      400: e("a parameter is invalid"),
      404: e("no such host"),
    },
  },
  {
    method: "get",
    route: "/api/v1/audit/fleet",
    summary: "Every host's audit, worst first",
    responses: { 200: { description: "the fleet audit", schema: R.FleetAuditResponse } },
  },
  {
    method: "get",
    route: "/api/v1/audit/hosts/[hostId]",
    summary: "Audit a host (and one of its guests)",
    query: { guest: "a guest of the host", format: "json (default) or markdown" },
    responses: {
      200: { description: "the audit report", schema: R.AuditReport },
      400: e("a parameter is invalid"),
      404: e("no such host"),
      409: e("no inventory yet"),
    },
  },
  {
    method: "post",
    route: "/api/v1/audit/hosts/[hostId]",
    summary:
      "Audit a guest plan against a host (stores nothing): a pasted domain XML, or { plan: { pool, count, vcpus, memoryMiB } }, the functions placement would give there",
    body: AuditPlanVariants,
    responses: {
      200: { description: "the audit report", schema: R.AuditReport },
      400: e("a field is invalid"),
      404: e("no such host"),
      409: e("no inventory yet"),
    },
  },
  { method: "get", route: "/api/v1/openapi.json", summary: "This document", responses: { 200: { description: "OpenAPI 3.1" } } },
];
