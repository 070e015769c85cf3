import { cpus, totalmem } from "node:os";
import { rankSummaryHosts, takeVfs, type PfSummary, type PlacementRequest, type PlacementStrategy, type SummaryHost } from "@vfleet/core";
import { row } from "./measure.ts";

/**
 * Fragmentation: the same 2,000 random placements and releases replayed on a simulated fleet of
 * 1,000 DGX-2-shaped hosts (10 ports x 16 VFs, two NUMA nodes) under three host choices: pack
 * (the scheduler's `strategy: "pack"`, busiest host that fits), spread (`"spread"`, freest host)
 * and a first-fit peer (the first host in fleet order that fits, the textbook baseline). The
 * fleet starts part used (other tenants' VFs, never released); the figure is how many 160-VF
 * guests (a whole DGX-2, seed 000's guest) still fit at the end. Host choice is core's own
 * (rankSummaryHosts on per-PF counts, as the scheduler ranks its candidates), VFs per host by
 * takeVfs.
 */
const HOSTS = 1000;
const OPERATIONS = 2000;
const PFS = 10;
const VFS_PER_PF = 16;
const SEED = 20;

/** mulberry32: the same fleet and the same operations for every strategy and every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** 40% of hosts empty, the rest with 0-16 VFs of each port held by other tenants. */
function fleet(next: () => number): SummaryHost[] {
  return Array.from({ length: HOSTS }, (_, h) => {
    const empty = next() < 0.4;
    const pfs: PfSummary[] = Array.from({ length: PFS }, (_, p) => {
      const used = empty ? 0 : Math.floor(next() * (VFS_PER_PF + 1));
      return {
        address: `0000:${(0x30 + p).toString(16)}:00.0`,
        numaNode: p < 4 ? 0 : 1,
        ready: VFS_PER_PF - used,
        bindable: 0,
        creatable: 0,
        assigned: used,
        reserved: 0,
        inUse: 0,
        link: "up",
      };
    });
    return { id: `h${h}`, name: `h${String(h).padStart(4, "0")}`, online: true, maintenance: false, pfs };
  });
}

type Op = { place: true; count: number; minPfs: number } | { place: false; pick: number };

/** 65% placements (1-16 VFs, sometimes 32 over 4 ports), 35% releases of a guest placed earlier. */
function operations(next: () => number): Op[] {
  return Array.from({ length: OPERATIONS }, (): Op => {
    if (next() >= 0.65) return { place: false, pick: next() };
    const big = next() < 0.15;
    return big ? { place: true, count: 32, minPfs: 4 } : { place: true, count: 1 + Math.floor(next() * 16), minPfs: 1 };
  });
}

type Choice = PlacementStrategy | "first-fit";

function replay(choice: Choice): { fit160: number; placed: number; refused: number; usedVfs: number; ms: number } {
  const next = random(SEED);
  const hosts = fleet(next);
  const ops = operations(next);
  const byId = new Map(hosts.map((h) => [h.id, h]));
  const live: { host: SummaryHost; took: { address: string; n: number }[] }[] = [];
  let placed = 0;
  let refused = 0;
  const t0 = performance.now();
  for (const op of ops) {
    if (!op.place) {
      const [guest] = live.splice(Math.floor(op.pick * live.length), 1);
      for (const t of guest?.took ?? []) {
        const pf = guest!.host.pfs.find((p) => p.address === t.address)!;
        pf.ready += t.n;
        pf.assigned -= t.n;
      }
      continue;
    }
    const request: PlacementRequest = {
      pool: { name: "cx5", selector: { vendorId: "15b3" } },
      count: op.count,
      numa: "none",
      minPfs: op.minPfs,
      ...(choice === "first-fit" ? {} : { strategy: choice }),
      guest: { name: "g" },
    };
    const host =
      choice === "first-fit"
        ? hosts.find((h) => takeVfs(h.pfs, op.count, op.minPfs, Number.POSITIVE_INFINITY).ok)
        : byId.get(rankSummaryHosts(hosts, request)[0] ?? "");
    if (!host) {
      refused++;
      continue;
    }
    const taken = takeVfs(host.pfs, op.count, op.minPfs, Number.POSITIVE_INFINITY);
    if (!taken.ok) throw new Error(`${choice}: ranked ${host.name} cannot take ${op.count}`);
    for (const { pf, took } of taken.takes) {
      pf.ready -= took.ready;
      pf.assigned += took.ready;
    }
    live.push({ host, took: taken.takes.map(({ pf, took }) => ({ address: pf.address, n: took.ready })) });
    placed++;
  }
  const ms = performance.now() - t0;
  const fit160 = hosts.filter((h) => takeVfs(h.pfs, PFS * VFS_PER_PF, 1, Number.POSITIVE_INFINITY).ok).length;
  const usedVfs = hosts.reduce((n, h) => n + h.pfs.reduce((m, p) => m + p.assigned, 0), 0);
  return { fit160, placed, refused, usedVfs, ms };
}

export async function benchFragmentation(): Promise<void> {
  console.log(
    `\nFragmentation: ${OPERATIONS} random placements and releases on ${HOSTS} simulated DGX-2s (${PFS} x ${VFS_PER_PF} VFs), ` +
      `40% empty at the start (${cpus().length} x ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB)`,
  );
  const results = (["pack", "spread", "first-fit"] as const).map((choice) => ({ choice, ...replay(choice) }));
  for (const r of results)
    row(
      `${r.choice}: 160-VF guests that still fit`,
      String(r.fit160),
      `(${r.placed} placed, ${r.refused} refused, ${r.usedVfs} VFs in use, ${(r.ms / 1000).toFixed(1)} s)`,
    );
  const [pack, spread, first] = results;
  row("pack / first-fit", `${(pack!.fit160 / Math.max(1, first!.fit160)).toFixed(2)}x`);
  row("pack / spread", spread!.fit160 === 0 ? "spread: none" : `${(pack!.fit160 / spread!.fit160).toFixed(2)}x`);
}
