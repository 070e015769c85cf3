import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { hostname as osHostname, networkInterfaces } from "node:os";
import { EXIT_REFUSED, statusFileOf } from "@vfleet/core";
import { openHostIO } from "../host-io/open-host-io.ts";
import { EMPTY_POLICY, SIMULATOR_POLICY, executeJob, loadPolicyFile } from "../jobs/index.ts";
import { enroll } from "../daemon/enroll.ts";
import { JobRunner } from "../daemon/job-runner.ts";
import { createAgentLog } from "../daemon/logger.ts";
import { readAgentConfig } from "../daemon/read-config.ts";
import { readAgentState, writeAgentState } from "../daemon/state-file.ts";
import { createStatusWriter } from "../daemon/status-file.ts";
import { startAgentSession } from "../daemon/agent-side-session.ts";
import { withLibvirtStatus } from "../daemon/libvirt-status.ts";
import { fingerprintHost } from "../scan/fingerprint-host.ts";
import { scanHost } from "../scan/index.ts";
import { AGENT_BUILD } from "../version.ts";

export const summary = "run the agent daemon: enroll once, then report this host to the control plane";

const USAGE = `usage: agent run [--config <file>] --server ws[s]://<control-plane>/agent --state <file> [--token <enrollment token>] [--ca-file <pem>]
       (or the token in VFLEET_ENROLL_TOKEN, which other users cannot read from the process list)
                 [--root /] [--scan-interval-ms 1500] [--full-scan-interval-ms 60000] [--simulated] [--policy <file>] [--timeout-ms N]
  --config <file>  JSON { server, state, caFile?, enrollTokenFile?, policy?, root?, scanIntervalMs? }; flags win over it
  --ca-file <pem>  trust this CA too for a wss:// control plane (e.g. its self-signed certificate); the server's certificate is always verified
  --scan-interval-ms N       how often to look for a change (a cheap fingerprint of the host)
  --full-scan-interval-ms N  full rescan at least this often, changed or not (0: every tick)
  --simulated      the root is a simulator tree: jobs go through the simulator's kernel model
  --policy <file>  which PFs/devices jobs may change (default: none on a real host; every SR-IOV PF with --simulated)
  --timeout-ms N   timeout of each sysfs write and ip command run by jobs`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" },
      server: { type: "string" },
      state: { type: "string" },
      token: { type: "string" },
      root: { type: "string" },
      "scan-interval-ms": { type: "string" },
      "full-scan-interval-ms": { type: "string", default: "60000" },
      simulated: { type: "boolean", default: false },
      policy: { type: "string" },
      "timeout-ms": { type: "string" },
      "ca-file": { type: "string" },
    },
    strict: true,
  });
  const config = values.config ? await readAgentConfig(values.config) : null;
  const statePath = values.state ?? config?.state;
  if (!statePath) throw new Error(`--state (or a --config file) is required\n${USAGE}`);
  const scanIntervalMs = values["scan-interval-ms"] === undefined ? (config?.scanIntervalMs ?? 1500) : Number(values["scan-interval-ms"]);
  if (!Number.isInteger(scanIntervalMs) || scanIntervalMs < 100 || scanIntervalMs > 3_600_000) {
    throw new Error("--scan-interval-ms must be an integer between 100 and 3600000");
  }
  const fullScanEveryMs = Number(values["full-scan-interval-ms"]);
  if (!Number.isInteger(fullScanEveryMs) || fullScanEveryMs < 0 || fullScanEveryMs > 86_400_000) {
    throw new Error("--full-scan-interval-ms must be an integer between 0 and 86400000");
  }
  const root = values.root ?? config?.root ?? "/";
  const server = values.server ?? config?.server;
  let timeouts = {};
  if (values["timeout-ms"] !== undefined) {
    const ms = Number(values["timeout-ms"]);
    if (!Number.isInteger(ms) || ms < 1 || ms > 3_600_000) throw new Error("--timeout-ms must be an integer between 1 and 3600000");
    timeouts = { sysfsMs: ms, ipMs: ms };
  }
  const caFile = values["ca-file"] ?? config?.caFile;
  const ca = caFile ? await readFile(caFile, "utf8") : undefined;
  // The policy is the agent's own: no server message can widen it.
  const policyFile = values.policy ?? config?.policy;
  const basePolicy = policyFile ? await loadPolicyFile(policyFile) : values.simulated ? SIMULATOR_POLICY : EMPTY_POLICY;
  let policy = basePolicy;
  const io = await openHostIO(root, values.simulated!, { timeouts });
  const log = createAgentLog();

  let state = await readAgentState(statePath);
  if (!state) {
    const tokenFromFile = config?.enrollTokenFile ? (await readFile(config.enrollTokenFile, "utf8").catch(() => "")).trim() : "";
    const token = values.token ?? process.env.VFLEET_ENROLL_TOKEN ?? (tokenFromFile || undefined);
    if (!server || !token)
      throw new Error(
        `not enrolled yet: --server and --token (or VFLEET_ENROLL_TOKEN, or the config's enrollTokenFile) are required\n${USAGE}`,
      );
    const host = (await scanHost(root)).host.hostname || osHostname();
    state = await enroll(server, token, host, { ca, log });
    await writeAgentState(statePath, state);
    log(`enrolled as ${state.hostName} (${state.hostId})`, { hostId: state.hostId });
  } else if (server && server !== state.server) {
    state = { ...state, server };
  }

  const status = createStatusWriter(statusFileOf(statePath), {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    server: state.server,
    hostName: state.hostName,
    connected: false,
    lastSnapshotAt: null,
    lastSnapshotHash: null,
    runningJobs: [],
    lastError: null,
  });
  const jobs = new JobRunner(
    (job, onStep) => executeJob(job, { io, policy, onStep }),
    log,
    (runningJobs) => status({ runningJobs }),
  );
  return new Promise<number>((resolve) => {
    const session = startAgentSession({
      jobs,
      ca,
      // Never let a job take down the link the agent talks over (ARCHITECTURE.md "Safety rules").
      // A simulated tree has its own interfaces, unrelated to this machine's: nothing to add.
      onConnected: ({ localAddress }) => {
        if (values.simulated || !localAddress) return;
        const own = interfacesWithAddress(localAddress);
        policy = { ...basePolicy, protectInterfaces: [...new Set([...basePolicy.protectInterfaces, ...own])] };
        if (own.length > 0) log(`protecting ${own.join(", ")} (carries the control-plane connection)`);
      },
      onStatus: status,
      state: state!,
      // The agent knows which kernel answers its writes: the simulator's model (--simulated) or this host's.
      scan: withLibvirtStatus(async () => {
        const inv = await scanHost(root);
        return { ...inv, host: { ...inv.host, simulated: values.simulated! } };
      }, io.virsh),
      scanIntervalMs,
      fingerprint: fullScanEveryMs > 0 ? () => fingerprintHost(root) : undefined,
      fullScanEveryMs,
      agentVersion: AGENT_BUILD,
      adoption: { adopt: basePolicy.adopt, simulatorDefault: basePolicy === SIMULATOR_POLICY },
      log,
      onRefused: (code, reason) => {
        status({ connected: false, lastError: `refused by the control plane (${code} ${reason})` });
        void session.stop().then(() => resolve(EXIT_REFUSED));
      },
    });
    const shutdown = () =>
      void session.stop().then(() => {
        status({ connected: false, lastError: null });
        resolve(0);
      });
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  });
}

/** Names of this machine's interfaces holding `address` (`::ffff:` IPv4-mapped form accepted). */
function interfacesWithAddress(address: string): string[] {
  const plain = address.replace(/^::ffff:/, "");
  return Object.entries(networkInterfaces())
    .filter(([, addrs]) => addrs?.some((a) => a.address === plain))
    .map(([name]) => name);
}
