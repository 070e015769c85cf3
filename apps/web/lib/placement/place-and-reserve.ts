import {
  placeRequest,
  planPlacementJobs,
  rankSummaryHosts,
  type Placement,
  type PlacementCandidate,
  type PlacementHost,
  type PlacementRequest,
} from "@vfleet/core";
import type {
  Conflict,
  Db,
  JobView,
  NewReservation,
  PoolView,
  createJobs,
  findCandidateHosts,
  findHostIds,
  getHost,
  getPlan,
  listUsedMacs,
  loadPlacementHosts,
  loadPoolSummaries,
} from "@vfleet/db";
import { speaksAtLeast, type Job } from "@vfleet/protocol";
import { prepareJobs, type PreparedJob, type Refusal } from "../jobs/prepare-jobs.ts";
import { withPlacementSlot } from "./placement-slots.ts";

export type SchedulerQueries = {
  loadPlacementHosts: typeof loadPlacementHosts;
  findCandidateHosts: typeof findCandidateHosts;
  loadPoolSummaries: typeof loadPoolSummaries;
  findHostIds: typeof findHostIds;
  listUsedMacs: typeof listUsedMacs;
  getHost: typeof getHost;
  createJobs: typeof createJobs;
  getPlan: typeof getPlan;
};

export type PlaceOutcome =
  | {
      kind: "planned";
      placement: Placement;
      title: string;
      jobs: PreparedJob[];
      plan: Awaited<ReturnType<typeof getPlan>> | null;
      queued: JobView[];
    }
  | { kind: "bad-request"; field: string; message: string }
  | { kind: "refused"; refusal: Refusal }
  | { kind: "no-capacity"; error: string; candidates: PlacementCandidate[] }
  | { kind: "conflict"; conflict: Conflict };

/** Rounds of "read, place, reserve" before a contended request gives up: each lost round means another request won. */
const MAX_ROUNDS = 25;

function reservationsOf(placement: Placement, request: PlacementRequest): NewReservation[] {
  const pool = request.pool.name;
  const guest = placement.guest.name;
  const taken = new Set(placement.vfs.map((v) => v.address));
  return [
    ...placement.vfs.map((v) => ({
      address: v.address,
      guest,
      pool,
      pf: v.pf,
      transient: false,
      mac: v.assignMac,
      vlan: request.vlan ?? null,
      previousDriver: v.driver,
      previousMac: v.mac,
      previousVlan: v.vlan,
    })),
    // A count change destroys the PF's other VFs too: nobody may take them while the plan runs.
    ...placement.setCounts.flatMap((s) =>
      s.destroyed
        .filter((a) => !taken.has(a))
        .map((address) => ({
          address,
          guest,
          pool,
          pf: s.pf,
          transient: true,
          mac: null,
          vlan: null,
          previousDriver: null,
          previousMac: null,
          previousVlan: null,
        })),
    ),
    ...placement.devices.flatMap((d) =>
      d.group.map((address) => ({
        address,
        guest,
        pool,
        pf: null,
        transient: false,
        mac: null,
        vlan: null,
        previousDriver: address === d.address ? d.driver : null,
        previousMac: null,
        previousVlan: null,
      })),
    ),
  ];
}

type Candidates = { hosts: PlacementHost[]; narrowed: boolean; others: string[] };

/**
 * The hosts worth deciding on: the named host or the guest's host; else the best of the SQL
 * prefilter's candidates (a few of thousands) by their stored per-PF counts, whose rows alone
 * are read (`others`: the rest, in case a reservation took the best between the reads); else
 * (selector the summary cannot judge) every host.
 */
async function loadCandidates(db: Db, q: SchedulerQueries, request: PlacementRequest): Promise<Candidates> {
  const named = request.guest.host ?? request.host;
  let ids: string[] | null =
    named !== undefined ? await q.findHostIds(db, { names: [named] }) : await q.findHostIds(db, { guest: request.guest.name });
  let others: string[] = [];
  if (ids.length === 0) {
    ids =
      named !== undefined
        ? null
        : await q.findCandidateHosts(db, {
            selector: request.pool.selector,
            count: request.count,
            numa: request.numa,
            minPfs: request.minPfs,
            maxPerPf: request.maxPerPf,
            hostLabels: request.hostLabels,
          });
    // The choice among them is made on their per-PF counts, as on their rows (core's rankSummaryHosts).
    if (ids && ids.length > 1)
      [ids, others] = splitFirst(rankSummaryHosts(await q.loadPoolSummaries(db, request.pool.selector, { hostIds: ids }), request));
    if (ids?.length === 0) return { hosts: [], narrowed: true, others };
  }
  return { hosts: await q.loadPlacementHosts(db, request.pool.selector, ids ? { hostIds: ids } : {}), narrowed: ids !== null, others };
}

const splitFirst = (ids: string[]): [string[], string[]] => [ids.slice(0, 1), ids.slice(1)];

/**
 * The scheduler's one path, for the API and for tests: read the pool's hosts and the fleet's
 * MACs, place the request (core), turn it into checked jobs, and, unless a dry run, create the
 * plan and its reservations in one transaction. When another request reserved something first
 * (the database refuses the second row), read again and place again: losing means someone else
 * won, so this ends with a plan or an honest "no capacity".
 */
export async function placeAndReserve(db: Db, q: SchedulerQueries, input: PlaceInput): Promise<PlaceOutcome> {
  return withPlacementSlot(db, () => placeOnce(db, q, input));
}

type PlaceInput = { request: PlacementRequest; pool: PoolView; dryRun: boolean; actor: string };

async function placeOnce(db: Db, q: SchedulerQueries, input: PlaceInput): Promise<PlaceOutcome> {
  for (let round = 1; ; round++) {
    const request = { ...input.request, spread: input.dryRun ? 0 : Math.floor(Math.random() * 4096) };
    // The fleet's MACs only when the request names or allocates MACs: reading them all is the dearest read at fleet scale.
    const wantsMacs = request.macs !== undefined || request.allocateMacs === true;
    const [candidates, usedMacs] = await Promise.all([loadCandidates(db, q, request), wantsMacs ? q.listUsedMacs(db) : new Set<string>()]);
    let placed = placeRequest(candidates.hosts, request, usedMacs);
    if (!placed.ok && !placed.field && candidates.others.length > 0)
      placed = placeRequest(await q.loadPlacementHosts(db, request.pool.selector, { hostIds: candidates.others }), request, usedMacs);
    // Nothing fit among the prefiltered hosts: explain with the whole pool, not just them.
    if (!placed.ok && !placed.field && candidates.narrowed)
      placed = placeRequest(await q.loadPlacementHosts(db, request.pool.selector), request, usedMacs);
    if (!placed.ok) {
      if (placed.field)
        return { kind: "bad-request", field: placed.field, message: placed.error.replace(new RegExp(`^${placed.field}: `), "") };
      return { kind: "no-capacity", error: placed.error, candidates: placed.candidates };
    }
    const { placement } = placed;
    const host = await q.getHost(db, placement.hostId);
    if (!host?.inventory) return { kind: "no-capacity", error: `host ${placement.host} has no stored inventory`, candidates: [] };
    const define: Job | undefined = placement.guest.exists
      ? undefined
      : {
          kind: "guest.define",
          params: {
            name: placement.guest.name,
            vcpus: placement.guest.vcpus,
            memoryMiB: placement.guest.memoryMiB,
            machine: "q35",
            ...(placement.guest.cpuset ? { cpuset: placement.guest.cpuset } : {}),
          },
        };
    const specs = planPlacementJobs(placement, { vlan: request.vlan, trust: request.trust, spoofchk: request.spoofchk }, define, {
      batchBinds: speaksAtLeast(host.summary.protocolVersion, "1.6"),
    });
    const prepared = prepareJobs(specs, { ...host, inventory: host.inventory }, (i) => `placement (job ${i}: ${specs[i]!.ref})`);
    if (!prepared.ok) return { kind: "bad-request", field: prepared.field, message: prepared.message };
    // What the agent will refuse (its adoption policy, a revoked host) is never queued; a dry run shows it in the previews.
    if (!input.dryRun && prepared.refusal) return { kind: "refused", refusal: prepared.refusal };
    const unit = request.pool.selector.kind === "device" ? "devices" : "VFs";
    const title = `place ${request.count} ${unit} from ${request.pool.name} -> ${placement.guest.name} on ${placement.host}`;
    if (input.dryRun) return { kind: "planned", placement, title, jobs: prepared.jobs, plan: null, queued: [] };
    const created = await q.createJobs(db, {
      hostId: placement.hostId,
      createdBy: input.actor,
      plan: { title },
      jobs: prepared.jobs,
      reservations: reservationsOf(placement, request),
    });
    if (created.ok)
      return { kind: "planned", placement, title, jobs: prepared.jobs, plan: await q.getPlan(db, created.planId!), queued: created.jobs };
    // No basis is sent here (the placement reads the host itself), so a refusal is a resource conflict.
    if (round >= MAX_ROUNDS && "conflict" in created) return { kind: "conflict", conflict: created.conflict };
  }
}
