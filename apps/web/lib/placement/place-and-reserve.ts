import {
  placeGroup,
  placeRequest,
  planPlacementJobs,
  previewChanges,
  rankSummaryHosts,
  type GroupSpec,
  type Placement,
  type PlacementCandidate,
  type PlacementHost,
  type PlacementRequest,
  type PoolSelector,
  type WithoutLink,
} from "@vfleet/core";
import type {
  Conflict,
  CreateJobsInput,
  Db,
  JobView,
  NewReservation,
  PoolView,
  SummaryMove,
  createJobGroup,
  createJobs,
  dropPlacementPreview,
  getPool,
  readPlacementPreview,
  savePlacementPreview,
  findRankedCandidateHosts,
  readCandidateVersion,
  findHostIds,
  getPlanTarget,
  getPlan,
  listUsedMacs,
  loadPlacementHosts,
  loadPoolSummaries,
} from "@vfleet/db";
import { speaksAtLeast, type Job } from "@vfleet/protocol";
import { prepareJobs, type PreparedJob, type Refusal } from "../jobs/prepare-jobs.ts";
import { sharedCandidates } from "./candidate-cache.ts";
import { InventoryCache } from "./inventory-cache.ts";
import { PlacementHostCache } from "./placement-host-cache.ts";
import { withPlacementSlot } from "./placement-slots.ts";

export type SchedulerQueries = {
  loadPlacementHosts: typeof loadPlacementHosts;
  findRankedCandidateHosts: typeof findRankedCandidateHosts;
  readCandidateVersion: typeof readCandidateVersion;
  loadPoolSummaries: typeof loadPoolSummaries;
  findHostIds: typeof findHostIds;
  listUsedMacs: typeof listUsedMacs;
  getPlanTarget: typeof getPlanTarget;
  createJobs: typeof createJobs;
  createJobGroup: typeof createJobGroup;
  getPlan: typeof getPlan;
  getPool: typeof getPool;
  savePlacementPreview: typeof savePlacementPreview;
  readPlacementPreview: typeof readPlacementPreview;
  dropPlacementPreview: typeof dropPlacementPreview;
};

/** One guest's placement turned into checked jobs: what a dry run shows and a confirm runs. */
export type PlannedGuest = {
  placement: Placement;
  title: string;
  jobs: PreparedJob[];
  plan: Awaited<ReturnType<typeof getPlan>> | null;
  queued: JobView[];
  /** The first job of the plan the agent would refuse (a dry run shows it in the previews); never queued. */
  refusal: Refusal | null;
};

export type PlaceOutcome =
  | ({ kind: "planned"; previewId: string | null } & PlannedGuest)
  | { kind: "planned-group"; previewId: string | null; guests: PlannedGuest[] }
  | { kind: "bad-request"; field: string; message: string }
  | { kind: "refused"; refusal: Refusal }
  | { kind: "no-capacity"; error: string; candidates: PlacementCandidate[]; withoutLink?: WithoutLink }
  | { kind: "conflict"; conflict: Conflict };

/** A confirm: the previewed plan queued, or why not and the fleet's new preview (itself confirmable). */
export type ConfirmOutcome = PlaceOutcome | { kind: "gone"; id: string } | { kind: "changed"; changes: string[]; preview: PlaceOutcome };

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

type Candidates = {
  hosts: PlacementHost[];
  narrowed: boolean;
  others: string[];
  shared: boolean;
  /** The candidates' versions as their counts were read (placementHostsAt). */
  versions: Map<string, Versioned>;
};

/**
 * The hosts worth deciding on: the named host or the guest's host; else the best of the SQL
 * prefilter's candidates (a few of thousands, shared for a moment between concurrent requests
 * unless `fresh`) by their current per-PF counts, whose rows alone are read (`others`: the rest,
 * in case a reservation took the best between the reads); else (selector the summary cannot
 * judge) every host.
 */
async function loadCandidates(db: Db, q: SchedulerQueries, request: PlacementRequest, fresh = false): Promise<Candidates> {
  const named = request.guest.host ?? request.host;
  let ids: string[] | null =
    named !== undefined ? await q.findHostIds(db, { names: [named] }) : await q.findHostIds(db, { guest: request.guest.name });
  let others: string[] = [];
  let shared = false;
  let versions = new Map<string, Versioned>();
  if (ids.length === 0) {
    shared = !fresh;
    const found =
      named !== undefined
        ? { ids: null, cut: false }
        : await sharedCandidates(
            db,
            q,
            {
              selector: request.pool.selector,
              count: request.count,
              numa: request.numa,
              link: request.link,
              strategy: request.strategy,
              spread: request.spread,
              minPfs: request.minPfs,
              maxPerPf: request.maxPerPf,
              hostLabels: request.hostLabels,
            },
            fresh,
          );
    if ("version" in found && found.version !== undefined) placementHostCacheOf(db).seen(found.version);
    ids = found.ids;
    // The choice among them is made on their per-PF counts, as on their rows (core's rankSummaryHosts),
    // equal ones in the order given: by name, or the request's own order when it looks at a few of many.
    if (ids && ids.length > 1) {
      const summaries = await q.loadPoolSummaries(db, request.pool.selector, { hostIds: ids });
      versions = versionsOf(summaries);
      const at = new Map(ids.map((id, i) => [id, i]));
      if (found.cut) summaries.sort((a, b) => at.get(a.id)! - at.get(b.id)!);
      [ids, others] = splitFirst(rankSummaryHosts(summaries, request));
    }
    if (ids?.length === 0) return { hosts: [], narrowed: true, others, shared, versions };
  }
  return {
    hosts: ids
      ? await placementHostsAt(db, q, request.pool.selector, ids, versions)
      : await q.loadPlacementHosts(db, request.pool.selector),
    narrowed: ids !== null,
    others,
    shared,
    versions,
  };
}

type Versioned = { version: string; online: boolean; maintenance: boolean };

const versionsOf = (summaries: Awaited<ReturnType<typeof loadPoolSummaries>>) =>
  new Map(summaries.map((s) => [s.id, { version: s.version, online: s.online, maintenance: s.maintenance }]));

/**
 * After this process's own reservation committed: the host's kept rows, with the reservation's
 * VFs reserved, are kept at the version the commit left, when the commit moved exactly the kept
 * version's summary rows (each updated PF's row version before it is the kept one). Anything
 * else (another plan's commit on the host in between, a snapshot) leaves the rows to be read
 * again. The next placement on the host then needs no seven reads.
 */
function keepReserved(db: Db, selector: PoolSelector, placement: Placement, move: SummaryMove | undefined): void {
  if (!move) return;
  const cache = placementHostCacheOf(db);
  const scope = JSON.stringify(selector);
  const kept = cache.peek(scope, placement.hostId);
  if (!kept) return;
  const slash = kept.version.lastIndexOf("/");
  const rows = kept.version
    .slice(slash + 1)
    .split(",")
    .map((r) => r.split("="));
  for (const [address, x] of rows) if (address! in move.before && move.before[address!] !== x) return;
  if (Object.keys(move.before).some((a) => !rows.some(([address]) => address === a))) return;
  const version = `${kept.version.slice(0, slash + 1)}${rows.map(([address, x]) => `${address}=${move.after[address!] ?? x}`).join(",")}`;
  const claim = { state: "reserved" as const, guest: placement.guest.name };
  const taken = new Set(placement.vfs.map((v) => v.address));
  const host: PlacementHost = {
    ...kept.host,
    pfs: kept.host.pfs.map((pf) =>
      pf.vfs.some((v) => taken.has(v.address)) ? { ...pf, vfs: pf.vfs.map((v) => (taken.has(v.address) ? { ...v, claim } : v)) } : pf,
    ),
  };
  cache.set(scope, host, version);
}

/**
 * These hosts' placement rows: kept ones whose version is the one just read with their counts
 * (online and maintenance from that read), the others read now and kept at that version.
 */
async function placementHostsAt(
  db: Db,
  q: SchedulerQueries,
  selector: PoolSelector,
  ids: string[],
  versions: Map<string, Versioned>,
): Promise<PlacementHost[]> {
  const cache = placementHostCacheOf(db);
  const scope = JSON.stringify(selector);
  const kept: PlacementHost[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const v = versions.get(id);
    const hit = v && cache.get(scope, id, v.version);
    if (hit) kept.push({ ...hit, online: v.online, maintenance: v.maintenance });
    else missing.push(id);
  }
  const read = missing.length > 0 ? await q.loadPlacementHosts(db, selector, { hostIds: missing }) : [];
  for (const h of read) {
    const v = versions.get(h.id);
    if (v) cache.set(scope, h, v.version);
  }
  return [...kept, ...read].sort((a, b) => a.name.localeCompare(b.name));
}

/** Place on the candidates, then on the other candidates; a shared prefilter answer that fits nowhere is asked again fresh. */
async function decide(db: Db, q: SchedulerQueries, request: PlacementRequest) {
  // The fleet's MACs only when the request names or allocates MACs: reading them all is the dearest read at fleet scale.
  let [candidates, usedMacs] = await Promise.all([loadCandidates(db, q, request), readUsedMacs(db, q, request)]);
  for (;;) {
    let placed = placeRequest(candidates.hosts, request, usedMacs);
    if (!placed.ok && !placed.field && candidates.others.length > 0)
      placed = placeRequest(
        await placementHostsAt(db, q, request.pool.selector, candidates.others, candidates.versions),
        request,
        usedMacs,
      );
    if (placed.ok || placed.field || !candidates.shared)
      return { placed, narrowed: candidates.narrowed, usedMacs, versions: candidates.versions };
    candidates = await loadCandidates(db, q, request, true);
  }
}

const splitFirst = (ids: string[]): [string[], string[]] => [ids.slice(0, 1), ids.slice(1)];

type PlaceInput = { request: PlacementRequest; pool: PoolView; dryRun: boolean; actor: string; group?: GroupSpec };

/** What a preview keeps of the request to place it again when a confirm finds the fleet changed. */
type StoredRequest = { request: Omit<PlacementRequest, "pool" | "spread">; group?: GroupSpec };

/**
 * The scheduler's one path, for the API and for tests: read the pool's hosts and the fleet's
 * MACs, place the request (core), turn it into checked jobs, and, unless a dry run, create the
 * plan and its reservations in one transaction. When another request reserved something first
 * (the database refuses the second row), read again and place again: losing means someone else
 * won, so this ends with a plan or an honest "no capacity". A dry run is kept as a preview
 * (`previewId`) that `confirmPlacement` runs exactly.
 */
export async function placeAndReserve(db: Db, q: SchedulerQueries, input: PlaceInput): Promise<PlaceOutcome> {
  return withPlacementSlot(db, () => (input.group ? placeGroupOnce(db, q, input, input.group) : placeOnce(db, q, input)));
}

/**
 * Equal VFs of a PF are taken from a random offset, dry runs included: concurrent requests then
 * rarely reach for the same VF, and what a preview shows is what its confirm reserves.
 */
const randomSpread = () => Math.floor(Math.random() * 4096);

async function placeOnce(db: Db, q: SchedulerQueries, input: PlaceInput): Promise<PlaceOutcome> {
  for (let round = 1; ; round++) {
    const request = { ...input.request, spread: randomSpread() };
    const decided = await decide(db, q, request);
    let placed = decided.placed;
    const { narrowed, usedMacs } = decided;
    // Nothing fit among the prefiltered hosts: explain with the whole pool, not just them.
    if (!placed.ok && !placed.field && narrowed)
      placed = placeRequest(await q.loadPlacementHosts(db, request.pool.selector), request, usedMacs);
    if (!placed.ok) return refusal(placed);
    const built = await buildPlan(db, q, placed.placement, request);
    if (!("jobs" in built)) return built;
    // Kept rows whose host moved on between the counts and the plan's read: decide again on its rows as they are now.
    const used = decided.versions.get(placed.placement.hostId);
    if (used && used.version !== built.placementVersion && round < MAX_ROUNDS) continue;
    const { placementVersion: _v, ...guest } = built;
    if (input.dryRun) return { kind: "planned", ...guest, previewId: await savePreview(db, q, input, [built.placement]) };
    // What the agent will refuse (its adoption policy, a revoked host) is never queued.
    if (built.refusal) return { kind: "refused", refusal: built.refusal };
    const created = await q.createJobs(db, planInput(built, request, input.actor));
    if (created.ok) {
      keepReserved(db, request.pool.selector, built.placement, created.summaryMove);
      return { kind: "planned", ...guest, plan: created.plan, queued: created.jobs, previewId: null };
    }
    // No basis is sent here (the placement reads the host itself), so a refusal is a resource conflict.
    if (round >= MAX_ROUNDS && "conflict" in created) return { kind: "conflict", conflict: created.conflict };
  }
}

/** A group: every guest placed on the pool's whole fleet (anti-affinity needs more than the best host), reserved in one transaction. */
async function placeGroupOnce(db: Db, q: SchedulerQueries, input: PlaceInput, group: GroupSpec): Promise<PlaceOutcome> {
  for (let round = 1; ; round++) {
    const request = { ...input.request, spread: randomSpread() };
    const [hosts, usedMacs] = await Promise.all([
      q.loadPlacementHosts(
        db,
        request.pool.selector,
        request.host !== undefined ? { hostIds: await q.findHostIds(db, { names: [request.host] }) } : {},
      ),
      readUsedMacs(db, q, request),
    ]);
    const placed = placeGroup(hosts, request, group, usedMacs);
    if (!placed.ok) return refusal(placed.outcome);
    const guests: PlannedGuest[] = [];
    for (const placement of placed.placements) {
      const built = await buildPlan(db, q, placement, request);
      if (!("jobs" in built)) return built;
      guests.push(built);
    }
    if (input.dryRun) return { kind: "planned-group", guests, previewId: await savePreview(db, q, input, placed.placements) };
    const refused = guests.find((g) => g.refusal)?.refusal;
    if (refused) return { kind: "refused", refusal: refused };
    const created = await q.createJobGroup(
      db,
      guests.map((g) => planInput(g, request, input.actor)),
    );
    if (created.ok) return { kind: "planned-group", guests: withPlans(guests, created.plans), previewId: null };
    if (round >= MAX_ROUNDS && "conflict" in created) return { kind: "conflict", conflict: created.conflict };
  }
}

/**
 * Run a preview exactly: re-read its hosts, and when every VF, device, count change and MAC is
 * still as it showed (core's previewChanges), queue its plans with their reservations in one
 * transaction. Otherwise, or when another request reserved one of them in the meantime (the
 * database refuses the row), nothing is queued: the answer lists what changed and places the
 * same request again as a new preview, which the operator may confirm in turn.
 */
export async function confirmPlacement(db: Db, q: SchedulerQueries, input: { id: string; actor: string }): Promise<ConfirmOutcome> {
  return withPlacementSlot(db, async () => {
    const preview = await q.readPlacementPreview(db, input.id);
    if (!preview) return { kind: "gone", id: input.id };
    const stored = preview.request as StoredRequest;
    const pool = await q.getPool(db, preview.poolName);
    if (!pool) return { kind: "bad-request", field: "confirm", message: `the preview's pool ${preview.poolName} was removed` };
    const request: PlacementRequest = { ...stored.request, pool };
    const again = (changes: string[]) =>
      reviewAfterChange(db, q, { request, pool, dryRun: true, actor: input.actor, group: stored.group }, changes);
    const ids = [...new Set(preview.placements.map((p) => p.hostId))];
    const wantsMacs = preview.placements.some((p) => p.vfs.some((v) => v.assignMac !== null));
    const [hosts, usedMacs] = await Promise.all([
      q.loadPoolSummaries(db, pool.selector, { hostIds: ids }).then((s) => placementHostsAt(db, q, pool.selector, ids, versionsOf(s))),
      wantsMacs ? q.listUsedMacs(db) : new Set<string>(),
    ]);
    const changes = preview.placements.flatMap((p) =>
      previewChanges(
        hosts.find((h) => h.id === p.hostId),
        p,
        usedMacs,
      ),
    );
    if (changes.length > 0) return again(changes);
    const guests: PlannedGuest[] = [];
    for (const placement of preview.placements) {
      const built = await buildPlan(db, q, placement, request);
      if (!("jobs" in built)) return built;
      guests.push(built);
    }
    const refused = guests.find((g) => g.refusal)?.refusal;
    if (refused) return { kind: "refused", refusal: refused };
    const created = await q.createJobGroup(
      db,
      guests.map((g) => planInput(g, request, input.actor)),
    );
    if (!created.ok)
      return again([
        "conflict" in created
          ? created.conflict.planId || created.conflict.jobId
            ? `${created.conflict.key} was taken by ${created.conflict.planId ? `plan ${created.conflict.planId}` : `job ${created.conflict.jobId}`} meanwhile`
            : (created.conflict.summary ?? `${created.conflict.key} changed meanwhile`)
          : "the host changed meanwhile",
      ]);
    created.plans.forEach((p, i) => keepReserved(db, pool.selector, guests[i]!.placement, p.summaryMove));
    await q.dropPlacementPreview(db, input.id);
    const planned = withPlans(guests, created.plans);
    return stored.group
      ? { kind: "planned-group", guests: planned, previewId: null }
      : { kind: "planned", ...planned[0]!, previewId: null };
  });
}

async function reviewAfterChange(db: Db, q: SchedulerQueries, input: PlaceInput, changes: string[]): Promise<ConfirmOutcome> {
  const preview = input.group ? await placeGroupOnce(db, q, input, input.group) : await placeOnce(db, q, input);
  return { kind: "changed", changes, preview };
}

function refusal(placed: { error: string; field?: string; candidates: PlacementCandidate[]; withoutLink?: WithoutLink }): PlaceOutcome {
  if (placed.field)
    return { kind: "bad-request", field: placed.field, message: placed.error.replace(new RegExp(`^${placed.field}: `), "") };
  return {
    kind: "no-capacity",
    error: placed.error,
    candidates: placed.candidates,
    ...(placed.withoutLink ? { withoutLink: placed.withoutLink } : {}),
  };
}

const readUsedMacs = (db: Db, q: SchedulerQueries, request: PlacementRequest): Promise<ReadonlySet<string>> =>
  request.macs !== undefined || request.allocateMacs === true ? q.listUsedMacs(db) : Promise.resolve(new Set<string>());

async function savePreview(db: Db, q: SchedulerQueries, input: PlaceInput, placements: Placement[]): Promise<string> {
  const { pool: _pool, spread: _spread, ...request } = input.request;
  const stored: StoredRequest = { request, ...(input.group ? { group: input.group } : {}) };
  return (await q.savePlacementPreview(db, { createdBy: input.actor, poolName: input.pool.name, request: stored, placements })).id;
}

/**
 * Hosts whose rebuilt inventory a process keeps for the plans' checks (per database client, like
 * the placement slots): a DGX-2's inventory is seven reads and most of a dry run's time when read
 * each time, and concurrent placements land on the same few best hosts. A host's current snapshot
 * hash is read on every use, so a new snapshot is never missed.
 */
export const INVENTORIES_PER_PROCESS = 256;
const inventoryCaches = new WeakMap<Db, InventoryCache>();

/** Candidate hosts whose placement rows a process keeps by version (placementHostsAt). */
export const PLACEMENT_HOSTS_PER_PROCESS = 1024;
const placementHostCaches = new WeakMap<Db, PlacementHostCache>();

export function placementHostCacheOf(db: Db): PlacementHostCache {
  let cache = placementHostCaches.get(db);
  if (!cache) placementHostCaches.set(db, (cache = new PlacementHostCache(PLACEMENT_HOSTS_PER_PROCESS)));
  return cache;
}

export function inventoryCacheOf(db: Db): InventoryCache {
  let cache = inventoryCaches.get(db);
  if (!cache) inventoryCaches.set(db, (cache = new InventoryCache(INVENTORIES_PER_PROCESS)));
  return cache;
}

/**
 * The one builder of a placement's plan, for dry runs, direct runs and confirms: the guest's
 * define job when it is new, core's jobs in order, each checked against the host's inventory.
 */
async function buildPlan(
  db: Db,
  q: SchedulerQueries,
  placement: Placement,
  request: PlacementRequest,
): Promise<(PlannedGuest & { placementVersion: string }) | Extract<PlaceOutcome, { kind: "bad-request" | "no-capacity" }>> {
  const host = await q.getPlanTarget(db, placement.hostId, { cache: inventoryCacheOf(db) });
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
  const unit = request.pool.selector.kind === "device" ? "devices" : "VFs";
  const count = placement.vfs.length + placement.devices.length;
  const title = `place ${count} ${unit} from ${request.pool.name} -> ${placement.guest.name} on ${placement.host}`;
  return {
    placement,
    title,
    jobs: prepared.jobs,
    plan: null,
    queued: [],
    refusal: prepared.refusal,
    placementVersion: host.placementVersion,
  };
}

const planInput = (g: PlannedGuest, request: PlacementRequest, actor: string): CreateJobsInput => ({
  hostId: g.placement.hostId,
  createdBy: actor,
  plan: { title: g.title },
  jobs: g.jobs,
  reservations: reservationsOf(g.placement, request),
});

/** The plans as created, read back from nobody: the transaction's own rows. */
const withPlans = (guests: PlannedGuest[], plans: { plan: PlannedGuest["plan"]; jobs: JobView[] }[]): PlannedGuest[] =>
  guests.map((g, i) => ({ ...g, plan: plans[i]!.plan, queued: plans[i]!.jobs }));
