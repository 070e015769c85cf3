import { placeRequest, type Placement, type PlacementOutcome, type PlacementRequest } from "./place-request.ts";
import type { PlacementHost } from "./placement-types.ts";

/** Never two guests of a group on one host, or on hosts sharing a label's value (`rack`). */
export type AntiAffinity = { by: "host" } | { by: "label"; key: string };

export type GroupSpec = { replicas: number; antiAffinity?: AntiAffinity; guests?: string[] };

export type GroupOutcome =
  | { ok: true; placements: Placement[] }
  | { ok: false; error: string; field?: string; placed: number; outcome: Extract<PlacementOutcome, { ok: false }> };

/** The guests' names: as listed, else the request's guest name with -1, -2 ... */
export function groupGuestNames(baseName: string, group: GroupSpec): string[] {
  return group.guests ?? Array.from({ length: group.replicas }, (_, i) => `${baseName}-${i + 1}`);
}

/** What keeps two guests apart: the host's name, or its value of the label (a host without it is apart from all). */
function affinityKey(host: PlacementHost, anti: AntiAffinity | undefined): string | null {
  if (!anti) return null;
  if (anti.by === "host") return host.name;
  return host.labels[anti.key] ?? null;
}

/**
 * The host as it will be once this placement's plan holds its functions: its VFs, devices and
 * the VFs a count change recreates reserved for the guest, so the group's next guest cannot
 * take them (as the reservation rows will forbid).
 */
export function holdPlacement(host: PlacementHost, placement: Placement): PlacementHost {
  const claim = { state: "reserved" as const, guest: placement.guest.name };
  const taken = new Set([...placement.vfs.map((v) => v.address), ...placement.devices.flatMap((d) => d.group)]);
  const recounted = new Map(placement.setCounts.map((s) => [s.pf, s] as const));
  return {
    ...host,
    pfs: host.pfs.map((pf) => {
      const sc = recounted.get(pf.address);
      // A count change takes the whole PF until its plan ends (the destroyed VFs are reserved too).
      if (sc) return { ...pf, numVfs: sc.to, vfs: pf.vfs.map((v) => ({ ...v, claim })) };
      if (!pf.vfs.some((v) => taken.has(v.address))) return pf;
      return { ...pf, vfs: pf.vfs.map((v) => (taken.has(v.address) ? { ...v, claim } : v)) };
    }),
    devices: host.devices.map((d) =>
      d.group.some((m) => taken.has(m.address)) ? { ...d, group: d.group.map((m) => (taken.has(m.address) ? { ...m, claim } : m)) } : d,
    ),
    guests: placement.guest.exists
      ? host.guests
      : [
          ...host.guests,
          { name: placement.guest.name, state: "shut off", vcpus: placement.guest.vcpus, memoryKiB: 0, cpuset: null, heldMsix: [] },
        ],
  };
}

/**
 * A group of guests placed together, all or nothing: each guest placed as `placeRequest` would
 * (its own name, the same ask), on the fleet as the earlier guests left it (their functions
 * held, their MACs used), and away from the earlier guests' hosts or label values when
 * anti-affinity is asked. Greedy in guest order: each takes the best host left for it.
 */
export function placeGroup(
  hosts: readonly PlacementHost[],
  request: PlacementRequest,
  group: GroupSpec,
  usedMacs: ReadonlySet<string> = new Set(),
): GroupOutcome {
  const names = groupGuestNames(request.guest.name, group);
  if (new Set(names).size !== names.length)
    return fail({ ok: false, field: "guests", error: "guests: names must differ", candidates: [] }, 0);
  let fleet = [...hosts];
  const macs = new Set(usedMacs);
  const apart = new Set<string>();
  const placements: Placement[] = [];
  for (const [i, name] of names.entries()) {
    const allowed = fleet.filter((h) => {
      const key = affinityKey(h, group.antiAffinity);
      return key === null || !apart.has(key);
    });
    const outcome = placeRequest(allowed, { ...request, guest: { ...request.guest, name } }, macs);
    if (!outcome.ok) {
      const why =
        group.antiAffinity && allowed.length < fleet.length
          ? ` (anti-affinity by ${describeAnti(group.antiAffinity)} left out ${fleet.length - allowed.length} host(s))`
          : "";
      return fail({ ...outcome, error: `guest ${i + 1} of ${names.length} (${name}): ${outcome.error}${why}` }, i);
    }
    const p = outcome.placement;
    placements.push(p);
    for (const v of p.vfs) if (v.assignMac) macs.add(v.assignMac);
    const host = fleet.find((h) => h.id === p.hostId)!;
    const key = affinityKey(host, group.antiAffinity);
    if (key !== null) apart.add(key);
    fleet = fleet.map((h) => (h.id === p.hostId ? holdPlacement(h, p) : h));
  }
  return { ok: true, placements };
}

const describeAnti = (a: AntiAffinity) => (a.by === "host" ? "host" : `label ${a.key}`);

function fail(outcome: Extract<PlacementOutcome, { ok: false }>, placed: number): GroupOutcome {
  return { ok: false, error: outcome.error, field: outcome.field, placed, outcome };
}
