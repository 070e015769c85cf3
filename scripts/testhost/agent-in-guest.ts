/**
 * The real-kernel peer for job tests and benchmarks: one test hypervisor (Debian's kernel in QEMU,
 * vm.ts) with this checkout's agent artifact copied in, driven over SSH. A missing QEMU, image
 * tool or root fails here, loudly: the tests never skip.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { JobResult } from "@vfleet/protocol";
import { bundleAgent } from "@vfleet/agent/build";
import { scpTo, sshArgs, sshRun, testhostDown, testhostPowerCycle, testhostUp, type Testhost } from "./vm.ts";

export interface KernelHost {
  testhost: Testhost;
  /** `node vfleet-agent.mjs run-job --adopt <pf>... --json <job>` in the guest; exit code and the parsed result. */
  runJob(job: unknown, adopt: string[]): Promise<{ code: number; result: JobResult; stderr: string }>;
  /** A shell command in the guest; rejects on a non-zero exit. */
  sh(command: string, timeoutMs?: number): Promise<string>;
  /** A shell command in the guest with its exit code and output, whatever the exit code. */
  shAny(command: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Reboot the guest as a power cycle (vm.ts: the disk keeps what was written) and wait for its new boot to log in. */
  reboot(): Promise<void>;
  stop(): Promise<void>;
}

export const AGENT_IN_GUEST = "/usr/local/lib/vfleet-agent.mjs";

export async function startKernelHost(name: string): Promise<KernelHost> {
  const testhost = await testhostUp({ name, log: (l) => process.stderr.write(`${l}\n`) });
  const dir = await mkdtemp(path.join(tmpdir(), "vfleet-kernel-agent-"));
  try {
    const artifact = path.join(dir, "vfleet-agent.mjs");
    await bundleAgent(artifact);
    await scpTo(testhost, artifact, AGENT_IN_GUEST);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const shAny = (command: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile("ssh", [...sshArgs(testhost), command], { maxBuffer: 64 << 20, timeout: 300_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 255) : 0, stdout, stderr }),
      );
    });
  return {
    testhost,
    sh: (command, timeoutMs) => sshRun(testhost, command, { timeoutMs }),
    shAny,
    async runJob(job, adopt) {
      const json = JSON.stringify(job);
      if (json.includes("'")) throw new Error("job JSON with a single quote cannot go through the shell");
      const r = await shAny(`node ${AGENT_IN_GUEST} run-job ${adopt.map((a) => `--adopt ${a}`).join(" ")} --json '${json}'`);
      if (r.stdout.trim() === "") throw new Error(`run-job printed nothing (exit ${r.code}): ${r.stderr}`);
      return { code: r.code, result: JobResult.parse(JSON.parse(r.stdout)), stderr: r.stderr };
    },
    async reboot() {
      Object.assign(testhost, await testhostPowerCycle(testhost));
    },
    stop: async () => void (await testhostDown(name)),
  };
}
