/**
 * What an idle agent costs its host: a real agent process on the simulated DGX-2 (267 functions,
 * 160 VFs), talking to a minimal protocol peer (welcome, ack) so only the agent is measured. CPU
 * seconds and resident memory over a minute of nothing changing, and the time from a VF count
 * written by hand to the snapshot arriving; against the same agent with the fingerprint off
 * (`--full-scan-interval-ms 0`: a full scan every tick, as before).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { WebSocketServer, type WebSocket } from "ws";
import { bundleAgent } from "@vfleet/agent/build";
import { environmentOf, renderAgentUnit } from "@vfleet/core";
import { createSimulatedHostIO } from "@vfleet/agent/host-io/simulated";
import { PROTOCOL_VERSION, type Inventory } from "@vfleet/protocol";
import { buildTree } from "@vfleet/simulator";
import { fmt, row } from "./measure.ts";
import { cpuSeconds, memoryMiB } from "./proc.ts";

const IDLE_MS = Number(process.env.VFLEET_BENCH_IDLE_MS ?? 60_000);
const TICK_MS = 1500; // the daemon's default: a change reaches the server within 2 s

/** Accepts one agent, welcomes it, acks every snapshot, and resolves waiters on each snapshot. */
async function startPeer() {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", maxPayload: 8 << 20 });
  await new Promise<void>((r) => wss.once("listening", () => r()));
  let onSnapshot: ((inv: Inventory) => void) | null = null;
  let snapshots = 0;
  wss.on("connection", (ws: WebSocket) => {
    const send = (type: string, payload: unknown) =>
      ws.send(JSON.stringify({ type, id: randomUUID(), ts: new Date().toISOString(), payload }));
    ws.on("message", (data) => {
      const msg = JSON.parse(data.toString()) as { type: string; id: string; payload: { hash: string; inventory: Inventory } };
      if (msg.type === "agent.hello")
        send("server.welcome", {
          hostId: "bench",
          hostName: "dgx2-bench",
          protocolVersion: PROTOCOL_VERSION,
          heartbeatIntervalMs: 10_000,
          knownHash: null,
        });
      if (msg.type === "inventory.snapshot") {
        snapshots++;
        send("inventory.ack", { replyTo: msg.id, hash: msg.payload.hash, stored: true });
        onSnapshot?.(msg.payload.inventory);
      }
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/agent`,
    snapshots: () => snapshots,
    next: (match: (inv: Inventory) => boolean) =>
      new Promise<void>((r) => {
        onSnapshot = (inv) => {
          if (match(inv)) {
            onSnapshot = null;
            r();
          }
        };
      }),
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

async function measureAgent(label: string, artifact: string, fullScanMs: number) {
  const dir = await mkdtemp(join(tmpdir(), "vfleet-bench-idle-"));
  const root = join(dir, "root");
  await buildTree("dgx2", root);
  const peer = await startPeer();
  const state = join(dir, "state.json");
  await writeFile(
    state,
    JSON.stringify({ server: peer.url, hostId: "bench", hostName: "dgx2-bench", credential: "bench-credential-0123456789" }),
  );
  let agent: ChildProcess | null = null;
  try {
    const first = peer.next(() => true);
    // The artifact operators install, run as they run it: plain Node, no node_modules beside it.
    agent = spawn(
      process.execPath,
      [
        artifact,
        "run",
        "--state",
        state,
        "--root",
        root,
        "--simulated",
        "--scan-interval-ms",
        String(TICK_MS),
        "--full-scan-interval-ms",
        String(fullScanMs),
      ],
      { stdio: "ignore", cwd: dirname(artifact), env: { ...process.env, ...environmentOf(renderAgentUnit(process.execPath)) } },
    );
    await first;
    await new Promise((r) => setTimeout(r, 5000)); // start-up and the first scans settle
    const pid = agent.pid!;
    const c0 = cpuSeconds(pid);
    const sent0 = peer.snapshots();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const cpu = cpuSeconds(pid) - c0;
    const rss = memoryMiB(pid, "VmRSS");
    const peak = memoryMiB(pid, "VmHWM");
    const idleSnapshots = peer.snapshots() - sent0;

    // A change made by hand on the host (not a vfleet job): how soon does the server hear of it?
    const io = createSimulatedHostIO(root);
    const pf = "0000:86:00.0";
    const latencies: number[] = [];
    for (const count of [8, 16, 8, 16, 8]) {
      const seen = peer.next((inv) => inv.devices.find((d) => d.address === pf)?.sriov?.numVfs === count);
      await io.writeSysfs(`sys/bus/pci/devices/${pf}/sriov_numvfs`, "0");
      await io.writeSysfs(`sys/bus/pci/devices/${pf}/sriov_numvfs`, String(count));
      const t0 = performance.now(); // from the change being on the host
      await seen;
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    const share = (cpu / (IDLE_MS / 1000)) * 100;
    row(`${label}: CPU while idle`, `${share.toFixed(2)} %`, `${cpu.toFixed(2)} CPU-s in ${IDLE_MS / 1000} s of one core`);
    row(`${label}: resident memory now / peak`, `${rss.toFixed(0)} / ${peak.toFixed(0)} MiB`, `${(peak * 1.048576).toFixed(0)} MB peak`);
    row(`${label}: snapshots sent while idle`, String(idleSnapshots));
    row(
      `${label}: hand-made change -> snapshot at server`,
      fmt(latencies[2]!),
      `median of 5 (max ${fmt(latencies[4]!)}), ticks of ${TICK_MS} ms`,
    );
    return { cpu, rss };
  } finally {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent!.once("exit", r));
      agent.kill("SIGTERM");
      await exited; // it may still be writing its state file
    }
    await peer.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchAgentIdle() {
  console.log(
    `\nThe agent idle on the simulated DGX-2 (the artifact's bundle, simulator kept in, plain Node with the systemd unit's environment), looking every ${TICK_MS / 1000} s`,
  );
  const dir = await mkdtemp(join(tmpdir(), "vfleet-bench-artifact-"));
  try {
    const artifact = join(dir, "vfleet-agent.mjs");
    // The shipped bundle with the simulated HostIO kept in (the shipped one refuses --simulated).
    await bundleAgent(artifact, { withSimulator: true });
    const fingerprint = await measureAgent("fingerprint, full scan each 60 s", artifact, 60_000);
    const every = await measureAgent("full scan every tick (peer)", artifact, 0);
    row("ratio CPU peer / fingerprint", `${(every.cpu / Math.max(fingerprint.cpu, 0.01)).toFixed(1)}x`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
