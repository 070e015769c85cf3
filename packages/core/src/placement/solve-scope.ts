import { vfAddressOf } from "../jobs/vf-address.ts";
import { classifyDevice, classifyPf } from "./classify-capacity.ts";
import type { PlacementDevice, PlacementPf, PlacementPort } from "./placement-types.ts";

export type VfSource = "ready" | "bindable" | "creatable";

export interface TakenVf {
  address: string;
  pf: string;
  index: number;
  numaNode: number | null;
  source: VfSource;
  /** The VF exists now (else a vf.set-count creates it at the address the kernel will give it). */
  exists: boolean;
  driver: string | null;
  mac: string | null;
  vlan: number | null;
  msix: number | null;
  /** The PF's network port (netdev, link, speed), null when it has none. */
  port: PlacementPort | null;
}

export interface SetCount {
  pf: string;
  from: number;
  to: number;
  destroyed: string[];
}

export interface ScopeSolution {
  vfs: TakenVf[];
  devices: { device: PlacementDevice; state: "ready" | "bindable" }[];
  setCounts: SetCount[];
  /** Jobs the host needs: a count change weighs like several binds (it recreates every VF of the PF). */
  cost: number;
}

export interface ScopeShortfall {
  available: number;
  ready: number;
  bindable: number;
  creatable: number;
  pfs: number;
}

export type ScopeResult = { ok: true; solution: ScopeSolution } | { ok: false; shortfall: ScopeShortfall };

const SET_COUNT_COST = 5;

type Tiers = { ready: number; bindable: number; creatable: number };

const availableOf = (t: Tiers, maxPerPf: number) => Math.min(maxPerPf, t.ready + t.bindable + t.creatable);

/**
 * What a scope's PFs could give at most (`maxPerPf` each), and over how many PFs: the whole
 * feasibility test of a VF scope, from counts alone (what-if runs it on stored summaries).
 */
export function vfScopeTotals(pfs: readonly Tiers[], maxPerPf: number): ScopeShortfall {
  const totals = { available: 0, ready: 0, bindable: 0, creatable: 0, pfs: 0 };
  for (const t of pfs) {
    const avail = availableOf(t, maxPerPf);
    if (avail <= 0) continue;
    totals.available += avail;
    totals.ready += t.ready;
    totals.bindable += t.bindable;
    totals.creatable += t.creatable;
    totals.pfs++;
  }
  return totals;
}

/**
 * MSI-X table size assumed for a VF whose PF has none yet to read it from: the PCI maximum, so
 * the guest is sized for the most a driver asks (vCPUs + 4 per function) rather than for 1.
 */
export const UNKNOWN_VF_MSIX = 2048;

/** Equal VFs in another order, so concurrent requests do not all reach for the same first one. */
const rotated = <T>(list: readonly T[], by: number): T[] => {
  const k = list.length === 0 ? 0 : by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
};

/** A PF by its counts: what the choice of VFs (and so its cost) depends on. */
export type TierPf = Tiers & { address: string };

export type VfTakes<T extends TierPf> =
  { ok: true; takes: { pf: T; took: Tiers }[]; cost: number } | { ok: false; shortfall: ScopeShortfall };

/**
 * How many VFs of each tier to take from each PF for N VFs, at least `minPfs` PFs and at most
 * `maxPerPf` from each, and what that costs, from counts alone: the same answer on stored
 * summaries as on the PFs' VF rows, so a host can be chosen before its rows are read. Feasible
 * exactly when `minPfs` PFs have something and the capped sum reaches N, so the answer is one
 * pass over the PFs, never a search over combinations. With `minPfs` 1 the VFs come cheapest
 * first (ready, then bindable, then creatable) from as few PFs as that takes; with `minPfs` k
 * they are spread as evenly as the free VFs allow over the k best PFs (widened to more only when
 * those k cannot hold N): whoever asks for 4 PFs wants the load on 4 ports (16 -> 4/4/4/4), not
 * 13/1/1/1. Takes are in PF address order.
 */
export function takeVfs<T extends TierPf>(pfs: readonly T[], count: number, minPfs: number, maxPerPf: number): VfTakes<T> {
  const units = pfs
    .map((pf) => ({ pf, avail: availableOf(pf, maxPerPf), took: { ready: 0, bindable: 0, creatable: 0 } }))
    .filter((u) => u.avail > 0);
  const totals = vfScopeTotals(
    units.map((u) => u.pf),
    maxPerPf,
  );
  if (totals.pfs < minPfs || totals.available < count) return { ok: false, shortfall: totals };
  units.sort(
    (a, b) =>
      b.pf.ready - a.pf.ready ||
      b.pf.bindable - a.pf.bindable ||
      b.pf.creatable - a.pf.creatable ||
      a.pf.address.localeCompare(b.pf.address),
  );
  const takeFrom = (u: (typeof units)[number], tier: VfSource, want: number): number => {
    const taken = u.took.ready + u.took.bindable + u.took.creatable;
    const n = Math.min(want, u.pf[tier] - u.took[tier], u.avail - taken);
    u.took[tier] += n;
    return n;
  };
  if (minPfs <= 1) {
    let left = count;
    for (const tier of ["ready", "bindable", "creatable"] as const) for (const u of units) if (left > 0) left -= takeFrom(u, tier, left);
  } else {
    let k = minPfs;
    let held = units.slice(0, k).reduce((n, u) => n + u.avail, 0);
    while (held < count) held += units[k++]!.avail;
    const chosen = units.slice(0, k);
    const shares = evenShares(
      chosen.map((u) => u.avail),
      count,
    );
    for (const [i, u] of chosen.entries()) {
      let want = shares[i]!;
      for (const tier of ["ready", "bindable", "creatable"] as const) want -= takeFrom(u, tier, want);
    }
  }
  // A count change recreates every VF of the PF on its host driver: ready ones need binding again.
  let cost = 0;
  for (const { took } of units) cost += took.bindable + took.creatable + (took.creatable > 0 ? took.ready + SET_COUNT_COST : 0);
  return {
    ok: true,
    takes: units
      .filter(({ took }) => took.ready + took.bindable + took.creatable > 0)
      .sort((a, b) => a.pf.address.localeCompare(b.pf.address))
      .map(({ pf, took }) => ({ pf, took })),
    cost,
  };
}

/**
 * `count` split over PFs holding `caps` each (their sum reaches count), as evenly as the caps
 * allow (water-filling): the fullest PFs take what the smaller ones cannot, and where the split
 * is uneven by one the extra goes to the PFs with the most room.
 */
export function evenShares(caps: readonly number[], count: number): number[] {
  const order = caps.map((cap, i) => ({ cap, i })).sort((a, b) => a.cap - b.cap || b.i - a.i);
  const shares = caps.map(() => 0);
  let left = count;
  for (const [n, { cap, i }] of order.entries()) {
    shares[i] = Math.min(cap, Math.floor(left / (order.length - n)));
    left -= shares[i]!;
  }
  for (const { cap, i } of [...order].reverse()) {
    const more = Math.min(left, cap - shares[i]!);
    shares[i]! += more;
    left -= more;
  }
  return shares;
}

/** N VFs from these PFs (`takeVfs` on their classified VFs), with the VFs, count changes and MACs' predecessors. */
export function solveVfScope(pfs: readonly PlacementPf[], count: number, minPfs: number, maxPerPf: number, rotate = 0): ScopeResult {
  const planned = takeVfs(
    pfs.map((pf) => {
      const s = classifyPf(pf);
      return { address: pf.address, ready: s.ready.length, bindable: s.bindable.length, creatable: s.creatable, pf, s };
    }),
    count,
    minPfs,
    maxPerPf,
  );
  if (!planned.ok) return planned;
  const vfs: TakenVf[] = [];
  const setCounts: SetCount[] = [];
  for (const {
    pf: { pf, s },
    took,
  } of planned.takes) {
    const recount = took.creatable > 0;
    const existing = [...rotated(s.ready, rotate).slice(0, took.ready), ...rotated(s.bindable, rotate).slice(0, took.bindable)];
    for (const [i, vf] of existing.entries()) {
      vfs.push({
        address: vf.address,
        pf: pf.address,
        index: vf.index,
        numaNode: pf.numaNode,
        source: i < took.ready ? "ready" : "bindable",
        exists: true,
        driver: vf.driver,
        mac: vf.mac,
        vlan: vf.vlan,
        msix: pf.vfMsixVectors,
        port: pf.port,
      });
    }
    if (recount) {
      const to = pf.numVfs + took.creatable;
      setCounts.push({ pf: pf.address, from: pf.numVfs, to, destroyed: pf.vfs.map((v) => v.address) });
      for (let index = pf.numVfs; index < to; index++) {
        vfs.push({
          address: vfAddressOf(pf.address, pf.offset!, pf.stride!, index),
          pf: pf.address,
          index,
          numaNode: pf.numaNode,
          source: "creatable",
          exists: false,
          driver: null,
          mac: null,
          vlan: null,
          msix: pf.vfMsixVectors ?? UNKNOWN_VF_MSIX,
          port: pf.port,
        });
      }
    }
  }
  return { ok: true, solution: { vfs, devices: [], setCounts, cost: planned.cost } };
}

/** N whole devices, each with its IOMMU group: ready ones first, then small groups. */
export function solveDeviceScope(devices: readonly PlacementDevice[], count: number): ScopeResult {
  const free = devices
    .map((device) => ({ device, state: classifyDevice(device).state }))
    .filter((d): d is { device: PlacementDevice; state: "ready" | "bindable" } => d.state === "ready" || d.state === "bindable")
    .sort(
      (a, b) =>
        (a.state === b.state ? 0 : a.state === "ready" ? -1 : 1) ||
        a.device.group.length - b.device.group.length ||
        a.device.address.localeCompare(b.device.address),
    );
  const ready = free.filter((d) => d.state === "ready").length;
  if (free.length < count)
    return { ok: false, shortfall: { available: free.length, ready, bindable: free.length - ready, creatable: 0, pfs: 0 } };
  const taken = free.slice(0, count);
  return { ok: true, solution: { vfs: [], devices: taken, setCounts: [], cost: taken.filter((d) => d.state === "bindable").length } };
}
