import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSimulatedHostIO } from "@vfleet/agent/host-io/simulated";
import { executeJob, SIMULATOR_POLICY } from "@vfleet/agent/jobs";
import { assertLibvirtReachable, createVirsh } from "@vfleet/agent/libvirt";
import { scanHost } from "@vfleet/agent/scan";
import { buildGuestDomainXml, planSeed000 } from "@vfleet/core";
import type { JobResult } from "@vfleet/protocol";
import { buildTree } from "@vfleet/simulator";
import { fmt, row } from "./measure.ts";

export interface PlanTimings {
  vfs: number;
  jobs: number;
  setCountMs: number;
  bindMs: number;
  attachMs: number;
  totalMs: number;
  /** Summed from the agent's own `timing` of each job: reads, checks, bookkeeping. */
  overheadMs: number;
  /** The host's own time: sysfs writes (the simulator's kernel model), ip, libvirt. */
  hostMs: number;
}

/**
 * Seed 000 as the agent runs it: on a simulated DGX-2 from an empty start, the plan the control
 * plane builds (`planSeed000`: set 16 VFs on `pfCount` ports, bind each port's VFs to vfio-pci,
 * attach them all to one q35 guest defined in the REAL libvirtd, --config), one job at a time in
 * plan order. `perVfBinds` runs the plan as protocol 1.5 built it (one bind job per VF): the peer.
 */
export async function timeSeed000Plan(pfCount: number, options: { perVfBinds?: boolean } = {}): Promise<PlanTimings> {
  const virsh = createVirsh();
  await assertLibvirtReachable(virsh);
  const root = await mkdtemp(join(tmpdir(), "vfleet-bench-seed000-"));
  const guest = `vfleet-bench-${process.pid}-${pfCount}`;
  try {
    await buildTree("dgx2", root, { vfs: 0 });
    const io = createSimulatedHostIO(root);
    await virsh.defineDomain(buildGuestDomainXml({ name: guest, vcpus: 16, memoryMiB: 8192, machine: "q35" }));
    await io.syncGuest(guest);
    const plan = planSeed000(await scanHost(root), { guest, count: 16, pfLimit: pfCount, batchBinds: !options.perVfBinds });
    const spent = { "vf.set-count": 0, "device.bind": 0, "guest.attach": 0 } as Record<string, number>;
    let overheadMs = 0;
    let hostMs = 0;
    const t0 = performance.now();
    for (const { job } of plan) {
      const t = performance.now();
      const r: JobResult = await executeJob(job, { io, policy: SIMULATOR_POLICY });
      if (r.status !== "succeeded") throw new Error(`bench job failed: ${JSON.stringify(r.error)}`);
      spent[job.kind] = (spent[job.kind] ?? 0) + performance.now() - t;
      overheadMs += r.timing!.overheadMs;
      hostMs += r.timing!.hostMs;
    }
    const totalMs = performance.now() - t0;
    const vfs = plan.filter((s) => s.job.kind === "vf.set-count").length * 16;
    return {
      vfs,
      jobs: plan.length,
      setCountMs: spent["vf.set-count"]!,
      bindMs: spent["device.bind"]!,
      attachMs: spent["guest.attach"]!,
      totalMs,
      overheadMs,
      hostMs,
    };
  } finally {
    await virsh.undefineDomain(guest, { ifExists: true });
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * `pnpm bench seed-000-plan`: 16, 80 and 160 VFs, the agent's overhead as a share of the plan's wall
 * time, growth against 16; the 1.5 plan (a bind job per VF) as peer at 160. Three rounds, each
 * running every size once (a shared machine's load then falls on all sizes alike); the median of
 * each size is shown.
 */
export async function benchSeed000Plan(): Promise<void> {
  console.log("\nSeed 000 plan on the simulated DGX-2 (set-count 16 per port, bind each port's VFs in one job, attach all; real libvirtd)");
  await timeSeed000Plan(1); // warm-up: module loading and the JIT, not the plan
  const configs = [{ pfs: 1 }, { pfs: 5 }, { pfs: 10 }, { pfs: 10, perVfBinds: true }];
  const rounds: PlanTimings[][] = [];
  for (let round = 0; round < 3; round++) {
    const runs: PlanTimings[] = [];
    for (const c of configs) runs.push(await timeSeed000Plan(c.pfs, { perVfBinds: c.perVfBinds ?? false }));
    rounds.push(runs);
  }
  const [small, mid, big, peer] = configs.map((_, i) => rounds.map((r) => r[i]!).sort((a, b) => a.totalMs - b.totalMs)[1]!);
  const perVf = (ms: number, r: PlanTimings) => `${(ms / r.vfs).toFixed(1)} ms/VF`;
  for (const r of [small!, mid!, big!]) {
    row(
      `${r.vfs} VFs, ${r.jobs} jobs: set-count / bind / attach`,
      fmt(r.totalMs),
      `${fmt(r.setCountMs)} / ${fmt(r.bindMs)} / ${fmt(r.attachMs)}`,
    );
    row(
      "  overhead (agent's timing), share of the plan",
      `${((100 * r.overheadMs) / r.totalMs).toFixed(1)}%`,
      `${fmt(r.overheadMs)}: ${perVf(r.overheadMs, r)}; host work ${perVf(r.hostMs, r)}`,
    );
    row("  growth against 16 VFs", `${(r.totalMs / small!.totalMs).toFixed(1)}x`, `for ${r.vfs / 16}x the VFs`);
  }
  row(
    `peer: 160 VFs, a bind job per VF (${peer!.jobs} jobs, as 1.5 plans)`,
    fmt(peer!.totalMs),
    `${((100 * peer!.overheadMs) / peer!.totalMs).toFixed(1)}% overhead; bind ${fmt(peer!.bindMs)}`,
  );
  row("ratio per-VF binds / batched, 160 VFs", `${(peer!.totalMs / big!.totalMs).toFixed(2)}x`);
}
