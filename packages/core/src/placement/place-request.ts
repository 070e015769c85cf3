import { parseCpuList } from "../sizing/parse-cpu-list.ts";
import { allocateMacs, checkExplicitMacs } from "./allocate-macs.ts";
import { hostMatches, poolDevices, poolPfs } from "./match-pool.ts";
import { summarizePf } from "./pf-summary.ts";
import type { PlacementDevice, PlacementGuest, PlacementHost, PlacementPf, Pool } from "./placement-types.ts";
import { sizeGuest, type GuestSizing } from "./size-guest.ts";
import {
  solveDeviceScope,
  solveVfScope,
  vfScopeTotals,
  type ScopeResult,
  type ScopeShortfall,
  type ScopeSolution,
  type SetCount,
  type TakenVf,
} from "./solve-scope.ts";

export type NumaPolicy = "required" | "preferred" | "none";

/**
 * `pack` fills the busiest host that fits (whole hosts stay free for the largest guests);
 * `spread` balances the fleet (the freest host that fits).
 */
export type PlacementStrategy = "pack" | "spread";

/** How a host that fits stands against another: NUMA-local first, then the strategy on its free VFs, then fewest jobs. */
export type Standing = { local: boolean; cost: number; free: number };

/** Negative when `a` is the better host for this strategy, positive when `b` is, 0 for a tie. */
export function compareStanding(a: Standing, b: Standing, strategy: PlacementStrategy | undefined): number {
  if (a.local !== b.local) return a.local ? -1 : 1;
  if (strategy === "pack" && a.free !== b.free) return a.free - b.free;
  if (strategy === "spread" && a.free !== b.free) return b.free - a.free;
  return a.cost - b.cost;
}

/** Ports a VF request may use: with carrier only (the default), or any. */
export type LinkPolicy = "up" | "any";

/** The PFs a request may take VFs from: without `link: "any"`, none whose port has no carrier. */
export function linkedPfs<T extends { port?: { link: "up" | "down" } | null; link?: "up" | "down" | null }>(
  pfs: readonly T[],
  link: LinkPolicy | undefined,
): T[] {
  if (link === "any") return [...pfs];
  return pfs.filter((p) => (p.port?.link ?? p.link) !== "down");
}

export interface PlacementRequest {
  pool: Pool;
  count: number;
  numa: NumaPolicy;
  /** "up" (default): only PFs whose port has carrier (PFs with no netdev count as linked). */
  link?: LinkPolicy;
  minPfs?: number;
  maxPerPf?: number;
  /** Which fitting host wins: by fewest jobs (unset), the busiest (`pack`) or the freest (`spread`). */
  strategy?: PlacementStrategy;
  /** Only this host / only hosts with all these labels. */
  host?: string;
  hostLabels?: Record<string, string>;
  /** An existing libvirt guest (found by name on `host`, or anywhere), else a new one to define. */
  guest: { name: string; host?: string; vcpus?: number; memoryMiB?: number; numaNode?: number };
  /** Explicit MACs, one per VF; else `allocateMacs` takes them from the pool's range. */
  macs?: string[];
  allocateMacs?: boolean;
  vlan?: number;
  trust?: boolean;
  spoofchk?: boolean;
  /** Picks among equally good VFs of a PF from this offset (random per API request): concurrent
   * requests then rarely reach for the same VF. 0 (the default) takes them in address order. */
  spread?: number;
}

export interface PlacedVf extends TakenVf {
  assignMac: string | null;
}

export interface Placement {
  host: string;
  hostId: string;
  /** The NUMA node every VF/device is on, or null when the placement spans nodes. */
  numaNode: number | null;
  guest: {
    name: string;
    exists: boolean;
    state: string | null;
    vcpus: number;
    memoryMiB: number;
    cpuset: string | null;
    sizing: GuestSizing;
  };
  vfs: PlacedVf[];
  devices: { address: string; group: string[]; numaNode: number | null; state: "ready" | "bindable"; driver: string | null }[];
  setCounts: SetCount[];
  notes: string[];
}

export interface PlacementCandidate extends ScopeShortfall {
  host: string;
  numaNode: number | null;
  why: string | null;
}

export type PlacementOutcome =
  | { ok: true; placement: Placement }
  /** `field` set: the request itself is wrong (400). Else nothing fits (409) with the best candidates. */
  | { ok: false; error: string; field?: string; candidates: PlacementCandidate[]; withoutLink?: WithoutLink };

/** What a request refused on linked ports would get with `link: "any"`: the best host and how many there. */
export type WithoutLink = { fits: boolean; host: string | null; available: number };

/** Host NUMA nodes the guest's pinned vCPUs run on; empty when it is not pinned (or nodes are unknown). */
export function guestNumaNodes(host: PlacementHost, cpuset: string | null): number[] {
  if (!cpuset) return [];
  const cpus = parseCpuList(cpuset);
  return host.numaNodes.filter((n) => [...parseCpuList(n.cpulist)].some((c) => cpus.has(c))).map((n) => n.id);
}

/** One NUMA node of a host, or the whole host (`all`). */
export type Scope = { node: number | null; all: boolean };

/** The scopes a request may use on a host, local ones first: the guest's node, else each node; the whole host unless NUMA is required. */
export function scopesFor(request: PlacementRequest, nodes: number[], guestNode: number | undefined): Scope[] {
  const each = nodes.map((node) => ({ node, all: false }));
  const local = guestNode !== undefined ? [{ node: guestNode, all: false }] : each;
  if (request.numa === "required") return local;
  if (request.numa === "preferred") return [...local, { node: null, all: true }];
  return [{ node: null, all: true }];
}

const describeScope = (s: Scope) => (s.all ? "in all" : `on node ${s.node}`);

function solve(request: PlacementRequest, pfs: PlacementPf[], devices: PlacementDevice[], scope: Scope): ScopeResult {
  const inScope = <T extends { numaNode: number | null }>(x: T) => scope.all || x.numaNode === scope.node;
  if (request.pool.selector.kind === "device") return solveDeviceScope(devices.filter(inScope), request.count);
  return solveVfScope(
    pfs.filter(inScope),
    request.count,
    request.minPfs ?? 1,
    request.maxPerPf ?? Number.POSITIVE_INFINITY,
    request.spread ?? 0,
  );
}

/** The same request on every port, with or without carrier: what a refused operator could choose instead. */
function unlinkedChance(
  hosts: readonly PlacementHost[],
  request: PlacementRequest,
  usedMacs: ReadonlySet<string>,
): WithoutLink | undefined {
  const any = placeRequest(hosts, { ...request, link: "any" }, usedMacs);
  if (any.ok) return { fits: true, host: any.placement.host, available: request.count };
  const best = any.candidates[0];
  return best ? { fits: false, host: best.host, available: Math.min(best.available, request.count) } : undefined;
}

/** "16 ready or creatable VFs on one NUMA node over at least 4 PFs". */
function describeAsk(request: PlacementRequest, linkedOnly = false): string {
  const unit = request.pool.selector.kind === "device" ? "free devices (with their IOMMU groups)" : "ready, bindable or creatable VFs";
  const where = request.numa === "required" ? " on one NUMA node local to the guest" : "";
  const spread = request.minPfs && request.minPfs > 1 ? ` over at least ${request.minPfs} PFs` : "";
  const link = linkedOnly ? " on ports with link" : "";
  const cap = request.maxPerPf ? ` with at most ${request.maxPerPf} per PF` : "";
  return `${request.count} ${unit}${link}${where}${spread}${cap}`;
}

/**
 * Where a request fits: the cheapest host (fewest jobs; NUMA-local first when preferred),
 * with its VFs or devices, count changes, MACs and the guest's sizing. One pass over hosts,
 * NUMA nodes and PFs: cost is linear in the fleet, never in combinations. `usedMacs` holds
 * every MAC the fleet uses (allocation and explicit lists avoid them).
 */
export function placeRequest(
  hosts: readonly PlacementHost[],
  request: PlacementRequest,
  usedMacs: ReadonlySet<string> = new Set(),
): PlacementOutcome {
  const { count } = request;
  const isDevicePool = request.pool.selector.kind === "device";
  if (request.minPfs !== undefined && request.minPfs > count)
    return { ok: false, field: "minPfs", error: `minPfs: must be at most count (${count}): each PF gives at least one VF`, candidates: [] };
  if (isDevicePool && (request.minPfs || request.maxPerPf || request.macs || request.allocateMacs || request.vlan !== undefined)) {
    return {
      ok: false,
      field: request.minPfs ? "minPfs" : request.maxPerPf ? "maxPerPf" : "macs",
      error: "spread, MACs and VLANs apply to VF pools only: this pool gives whole devices",
      candidates: [],
    };
  }
  if (request.macs) {
    const check = checkExplicitMacs(request.macs, count, usedMacs);
    if (!check.ok) return { ok: false, field: check.field, error: `${check.field}: ${check.reason}`, candidates: [] };
  }
  if (request.allocateMacs && !request.pool.macRange)
    return { ok: false, field: "allocateMacs", error: `allocateMacs: pool ${request.pool.name} has no MAC range`, candidates: [] };

  // The guest's host: as asked, else wherever a guest of that name already is.
  const holders = hosts.filter((h) => h.guests.some((g) => g.name === request.guest.name));
  let guestHost = request.guest.host;
  if (guestHost === undefined && holders.length > 1)
    return {
      ok: false,
      field: "guest.host",
      error: `guest.host: guest ${request.guest.name} exists on ${holders.map((h) => h.name).join(", ")}; name the host`,
      candidates: [],
    };
  if (guestHost === undefined && holders.length === 1) guestHost = holders[0]!.name;
  if (request.host !== undefined && guestHost !== undefined && request.host !== guestHost)
    return { ok: false, field: "host", error: `host: the guest is on ${guestHost}, not ${request.host}`, candidates: [] };
  const onlyHost = guestHost ?? request.host;
  if (onlyHost !== undefined && !hosts.some((h) => h.name === onlyHost))
    return {
      ok: false,
      field: request.guest.host !== undefined ? "guest.host" : "host",
      error: `${request.guest.host !== undefined ? "guest.host" : "host"}: no host named ${onlyHost}`,
      candidates: [],
    };

  let offline = 0;
  const inMaintenance: string[] = [];
  let unlinkedLeftOut = 0;
  /** Quarantined functions of the pool on hosts otherwise considered, by host: said when nothing fits. */
  const quarantinedLeftOut = new Map<string, number>();
  const shortfalls: PlacementCandidate[] = [];
  let best:
    | { host: PlacementHost; scope: Scope; solution: ScopeSolution; local: boolean; free: number; guest: PlacementGuest | undefined }
    | undefined;
  for (const host of hosts) {
    if (onlyHost !== undefined && host.name !== onlyHost) continue;
    if (!hostMatches({ hostLabels: request.hostLabels }, host)) continue;
    const poolPfsHere = poolPfs(request.pool.selector, host);
    const pfs = linkedPfs(poolPfsHere, request.link);
    unlinkedLeftOut += poolPfsHere.length - pfs.length;
    const devices = poolDevices(request.pool.selector, host);
    if (pfs.length === 0 && devices.length === 0) continue;
    if (!host.online) {
      offline++;
      continue;
    }
    // Maintenance: an operator took the host out of service; nothing new goes on it, whoever asks.
    if (host.maintenance) {
      inMaintenance.push(host.name);
      continue;
    }
    const quarantinedHere =
      pfs.reduce((n, pf) => n + (pf.quarantined ? 1 : 0) + pf.vfs.filter((v) => v.quarantined).length, 0) +
      devices.filter((d) => d.group.some((m) => m.quarantined)).length;
    if (quarantinedHere > 0) quarantinedLeftOut.set(host.name, quarantinedHere);
    const guest = host.guests.find((g) => g.name === request.guest.name);
    let guestNode = guest ? undefined : request.guest.numaNode;
    if (guest && request.numa !== "none") {
      const nodes = guestNumaNodes(host, guest.cpuset);
      if (nodes.length === 1) guestNode = nodes[0];
      else if (request.numa === "required") {
        shortfalls.push({
          host: host.name,
          numaNode: null,
          available: 0,
          ready: 0,
          bindable: 0,
          creatable: 0,
          pfs: 0,
          why:
            nodes.length === 0
              ? `guest ${guest.name}'s vCPUs are not pinned: NUMA locality could not be told`
              : `guest ${guest.name}'s vCPUs span nodes ${nodes.join(", ")}`,
        });
        continue;
      }
    }
    const nodes = [...new Set([...pfs, ...devices].map((x) => x.numaNode).filter((n): n is number => n !== null))].sort((a, b) => a - b);
    let localFits = false;
    // What the host has free in this pool: what pack fills and spread balances.
    // Only a strategy reads it: classifying every PF twice would cost the plain request at fleet scale.
    const free = !request.strategy
      ? 0
      : isDevicePool
        ? devices.length
        : vfScopeTotals(pfs.map(summarizePf), Number.POSITIVE_INFINITY).available;
    for (const scope of scopesFor(request, nodes, guestNode)) {
      // "preferred" widens to the whole host only when no node of it fits.
      if (scope.all && localFits) continue;
      const result = solve(request, pfs, devices, scope);
      if (!result.ok) {
        shortfalls.push({ host: host.name, numaNode: scope.node, ...result.shortfall, why: null });
        continue;
      }
      const local = !scope.all;
      const standing = { local, cost: result.solution.cost, free };
      const better =
        !best || compareStanding(standing, { local: best.local, cost: best.solution.cost, free: best.free }, request.strategy) < 0;
      if (better) best = { host, scope, solution: result.solution, local, free, guest };
      localFits ||= local;
    }
  }

  if (!best) {
    const candidates = shortfalls.sort((a, b) => b.available - a.available || a.host.localeCompare(b.host)).slice(0, 5);
    const perHost = new Map<string, string[]>();
    for (const c of candidates)
      perHost.set(c.host, [
        ...(perHost.get(c.host) ?? []),
        c.why ??
          `${c.available} ${describeScope({ node: c.numaNode, all: c.numaNode === null })}${c.numaNode === null ? " nodes" : ""}${!isDevicePool ? ` (${c.pfs} PFs)` : ""}`,
      ]);
    const has = [...perHost].map(([h, parts]) => `${h} has ${parts.join(" and ")}`).join("; ");
    const off =
      (offline > 0 ? ` (${offline} offline host${offline === 1 ? "" : "s"} with this pool not counted)` : "") +
      (inMaintenance.length > 0
        ? ` (in maintenance, not counted: ${inMaintenance.slice(0, 5).join(", ")}${inMaintenance.length > 5 ? ` and ${inMaintenance.length - 5} more` : ""})`
        : "") +
      (quarantinedLeftOut.size > 0
        ? ` (quarantined, not counted: ${[...quarantinedLeftOut]
            .slice(0, 5)
            .map(([h, n]) => `${n} on ${h}`)
            .join(", ")}${quarantinedLeftOut.size > 5 ? ` and ${quarantinedLeftOut.size - 5} more hosts` : ""})`
        : "");
    const none =
      perHost.size === 0
        ? `: no online host${onlyHost ? ` named ${onlyHost}` : ""}${inMaintenance.length > 0 ? " out of maintenance" : ""} has pool ${request.pool.name}${request.hostLabels ? " with those labels" : ""}`
        : `; ${has}`;
    const withoutLink = unlinkedLeftOut === 0 ? undefined : unlinkedChance(hosts, request, usedMacs);
    const unlinked = !withoutLink
      ? ""
      : withoutLink.fits
        ? `; on ports without link (link: "any") it fits on ${withoutLink.host}`
        : withoutLink.available > 0
          ? `; on ports without link too (link: "any") ${withoutLink.host} has ${withoutLink.available}`
          : "";
    const ask = describeAsk(request, unlinkedLeftOut > 0);
    return { ok: false, error: `no host has ${ask}${none}${off}${unlinked}`, candidates, ...(withoutLink ? { withoutLink } : {}) };
  }

  const { host, scope, solution, guest } = best;
  const notes: string[] = [];
  let macs: (string | null)[] = solution.vfs.map(() => null);
  if (request.macs) macs = request.macs.map((m) => m.toLowerCase());
  else if (request.allocateMacs) {
    const got = allocateMacs(request.pool.macRange!, solution.vfs.length, usedMacs);
    if (!got.ok) return { ok: false, error: got.reason, candidates: [] };
    macs = got.macs;
  }
  if (
    solution.vfs.some((v) => !v.exists) &&
    solution.setCounts.some((sc) => host.pfs.find((p) => p.address === sc.pf)?.vfMsixVectors == null)
  ) {
    notes.push(
      "the new VFs' MSI-X table size could not be told before they exist: the guest is sized for the most a driver asks (vCPUs + 4 vectors per VF)",
    );
  }
  if (request.numa === "preferred" && scope.all)
    notes.push(`no single NUMA node of ${host.name} has ${count}: the ${isDevicePool ? "devices" : "VFs"} span nodes`);

  const msix = [
    ...(guest?.heldMsix ?? []),
    ...solution.vfs.map((v) => v.msix),
    ...solution.devices.flatMap((d) => d.device.group.map(() => d.device.msixVectors)),
  ];
  const node = scope.all ? null : scope.node;
  const newGuestCpuset = !guest && node !== null ? (host.numaNodes.find((n) => n.id === node)?.cpulist ?? null) : null;
  const sizing = sizeGuest(
    msix,
    guest
      ? { vcpus: guest.vcpus, memoryMiB: Math.floor(guest.memoryKiB / 1024), raise: false }
      : { vcpus: request.guest.vcpus ?? 1, memoryMiB: request.guest.memoryMiB ?? 1024, raise: true },
  );

  return {
    ok: true,
    placement: {
      host: host.name,
      hostId: host.id,
      numaNode: node,
      guest: {
        name: request.guest.name,
        exists: guest !== undefined,
        state: guest?.state ?? null,
        vcpus: sizing.vcpus,
        memoryMiB: sizing.memoryMiB,
        cpuset: guest ? guest.cpuset : newGuestCpuset,
        sizing,
      },
      vfs: solution.vfs.map((v, i) => ({ ...v, assignMac: macs[i] ?? null })),
      devices: solution.devices.map((d) => ({
        address: d.device.address,
        group: d.device.group.map((m) => m.address),
        numaNode: d.device.numaNode,
        state: d.state,
        driver: d.device.driver,
      })),
      setCounts: solution.setCounts,
      notes,
    },
  };
}
