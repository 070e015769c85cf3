import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { hostname as osHostname, networkInterfaces } from "node:os";
import { createLinuxHostIO, createSimulatedHostIO } from "../host-io/index.ts";
import { EMPTY_POLICY, SIMULATOR_POLICY, executeJob, loadPolicyFile } from "../jobs/index.ts";
import { enroll } from "../daemon/enroll.ts";
import { JobRunner } from "../daemon/job-runner.ts";
import { readAgentState, writeAgentState } from "../daemon/state-file.ts";
import { startAgentSession } from "../daemon/agent-session.ts";
import { scanHost } from "../scan/index.ts";
import { AGENT_VERSION } from "../version.ts";

export const summary = "run the agent daemon: enroll once, then report this host to the control plane";

const USAGE = `usage: agent run --server ws[s]://<control-plane>/agent --state <file> [--token <enrollment token>] [--ca-file <pem>]
       (or the token in VFLEET_ENROLL_TOKEN, which other users cannot read from the process list)
                 [--root /] [--scan-interval-ms 2000] [--simulated] [--policy <file>] [--timeout-ms N]
  --ca-file <pem>  trust this CA for a wss:// control plane (e.g. its self-signed certificate); the server's certificate is always verified
  --simulated      the root is a simulator tree: jobs go through the simulator's kernel model
  --policy <file>  which PFs/devices jobs may change (default: none on a real host; every SR-IOV PF with --simulated)
  --timeout-ms N   timeout of each sysfs write and ip command run by jobs`;

/** Exit code when the control plane refuses this agent (revoked credential, renamed host, old protocol): an operator must act. */
const EXIT_REFUSED = 3;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: "string" },
      state: { type: "string" },
      token: { type: "string" },
      root: { type: "string", default: "/" },
      "scan-interval-ms": { type: "string", default: "2000" },
      simulated: { type: "boolean", default: false },
      policy: { type: "string" },
      "timeout-ms": { type: "string" },
      "ca-file": { type: "string" },
    },
    strict: true,
  });
  if (!values.state) throw new Error(`--state is required\n${USAGE}`);
  const scanIntervalMs = Number(values["scan-interval-ms"]);
  if (!Number.isInteger(scanIntervalMs) || scanIntervalMs < 100 || scanIntervalMs > 3_600_000) {
    throw new Error("--scan-interval-ms must be an integer between 100 and 3600000");
  }
  const root = values.root!;
  let timeouts = {};
  if (values["timeout-ms"] !== undefined) {
    const ms = Number(values["timeout-ms"]);
    if (!Number.isInteger(ms) || ms < 1 || ms > 3_600_000) throw new Error("--timeout-ms must be an integer between 1 and 3600000");
    timeouts = { sysfsMs: ms, ipMs: ms };
  }
  // The policy is the agent's own: no server message can widen it.
  const basePolicy = values.policy ? await loadPolicyFile(values.policy) : values.simulated ? SIMULATOR_POLICY : EMPTY_POLICY;
  let policy = basePolicy;
  const io = values.simulated ? createSimulatedHostIO(root, { timeouts }) : createLinuxHostIO(root, { timeouts });
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} agent: ${line}\n`);

  const ca = values["ca-file"] ? await readFile(values["ca-file"]) : undefined;
  let state = await readAgentState(values.state);
  if (!state) {
    const token = values.token ?? process.env.VFLEET_ENROLL_TOKEN;
    if (!values.server || !token) throw new Error(`not enrolled yet: --server and --token (or VFLEET_ENROLL_TOKEN) are required\n${USAGE}`);
    const host = (await scanHost(root)).host.hostname || osHostname();
    state = await enroll(values.server, token, host, { ca });
    await writeAgentState(values.state, state);
    log(`enrolled as ${state.hostName} (${state.hostId})`);
  } else if (values.server && values.server !== state.server) {
    state = { ...state, server: values.server };
  }

  const jobs = new JobRunner((job, onStep) => executeJob(job, { io, policy, onStep }), log);
  return new Promise<number>((resolve) => {
    const session = startAgentSession({
      jobs,
      // Never let a job take down the link the agent talks over (ARCHITECTURE.md "Safety rules").
      // A simulated tree has its own interfaces, unrelated to this machine's: nothing to add.
      onConnected: ({ localAddress }) => {
        if (values.simulated || !localAddress) return;
        const own = interfacesWithAddress(localAddress);
        policy = { ...basePolicy, protectInterfaces: [...new Set([...basePolicy.protectInterfaces, ...own])] };
        if (own.length > 0) log(`protecting ${own.join(", ")} (carries the control-plane connection)`);
      },
      state: state!,
      ca,
      scan: () => scanHost(root),
      scanIntervalMs,
      agentVersion: AGENT_VERSION,
      log,
      onRefused: () => void session.stop().then(() => resolve(EXIT_REFUSED)),
    });
    const shutdown = () => void session.stop().then(() => resolve(0));
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  });
}

/** Names of this machine's interfaces holding `address` (`::ffff:` IPv4-mapped form accepted). */
function interfacesWithAddress(address: string): string[] {
  const plain = address.replace(/^::ffff:/, "");
  return Object.entries(networkInterfaces()).filter(([, addrs]) => addrs?.some((a) => a.address === plain)).map(([name]) => name);
}
