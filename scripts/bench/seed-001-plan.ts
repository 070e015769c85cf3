/**
 * `pnpm bench seed-001-plan`: seed 001's plan (7 VFs on one 82576 port: create them, bind them to
 * vfio-pci, give each a MAC and a VLAN) run by the agent's own executors on a real kernel (the test
 * hypervisor: Debian's 6.1 under QEMU TCG, real igb/igbvf) and on the simulator's 82576, as a ratio.
 * Each side runs `agent run-job` per job; the figures are the agent's own `timing` (wall, host
 * time) so the process start under TCG is left out, and printed beside it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSimulatedHostIO } from "@vfleet/agent/host-io/simulated";
import { executeJob, SIMULATOR_POLICY } from "@vfleet/agent/jobs";
import type { JobResult } from "@vfleet/protocol";
import { buildTree } from "@vfleet/simulator";
import { startKernelHost } from "../testhost/agent-in-guest.ts";
import { fmt, row } from "./measure.ts";

const plan = (pf: string, vfs: string[]) => [
  { kind: "vf.set-count", params: { pf, count: 7 } },
  { kind: "device.bind", params: { devices: vfs, driver: "vfio-pci" } },
  ...vfs.map((_, i) => ({
    kind: "vf.configure",
    params: { pf, vf: i, mac: `52:54:00:01:00:${(i + 1).toString(16).padStart(2, "0")}`, vlan: 100 + i },
  })),
];

const vfsOf = (bus: string) => Array.from({ length: 7 }, (_, i) => `0000:${bus}:1${i >> 2}.${(i * 2) % 8}`);

function sum(results: JobResult[]) {
  const failed = results.filter((r) => r.status !== "succeeded");
  if (failed.length) throw new Error(`bench seed-001-plan: a job failed: ${JSON.stringify(failed[0]!.error)}`);
  return {
    wallMs: results.reduce((a, r) => a + (r.timing?.wallMs ?? 0), 0),
    hostMs: results.reduce((a, r) => a + (r.timing?.hostMs ?? 0), 0),
  };
}

export async function benchSeed001Plan(): Promise<void> {
  console.log("seed 001 plan (7 VFs on an 82576 port: create, bind to vfio-pci, MAC + VLAN each): real kernel vs simulator");
  const root = await mkdtemp(join(tmpdir(), "vfleet-bench-seed001-"));
  const host = await startKernelHost("bench-seed001");
  try {
    await buildTree("intel-82576", root, { vfs: 0 });
    const io = createSimulatedHostIO(root);
    const sim: JobResult[] = [];
    const simStarted = performance.now();
    for (const job of plan("0000:03:00.0", vfsOf("03"))) sim.push(await executeJob(job, { io, policy: SIMULATOR_POLICY }));
    const simProcessMs = performance.now() - simStarted;
    await host.sh("modprobe vfio-pci");
    const real: JobResult[] = [];
    const realStarted = performance.now();
    for (const job of plan("0000:01:00.0", vfsOf("01"))) real.push((await host.runJob(job, ["0000:01:00.0"])).result);
    const realProcessMs = performance.now() - realStarted;
    const s = sum(sim);
    const k = sum(real);
    row("jobs", String(real.length));
    row("simulator: agent wall time (sum of jobs)", fmt(s.wallMs), `host ${fmt(s.hostMs)}`);
    row("real kernel: agent wall time (sum of jobs)", fmt(k.wallMs), `host ${fmt(k.hostMs)}`);
    row(
      "ratio real / simulator (agent wall time)",
      `${(k.wallMs / s.wallMs).toFixed(1)}x`,
      `host time ${(k.hostMs / s.hostMs).toFixed(1)}x`,
    );
    row("real kernel incl. ssh + node start per job (TCG)", fmt(realProcessMs), `simulator in-process ${fmt(simProcessMs)}`);
  } finally {
    await host.stop();
    await rm(root, { recursive: true, force: true });
  }
}
