import { parseArgs } from "node:util";
import { hostname as osHostname } from "node:os";
import { enroll } from "../daemon/enroll.ts";
import { readAgentState, writeAgentState } from "../daemon/state-file.ts";
import { startAgentSession } from "../daemon/agent-session.ts";
import { scanHost } from "../scan/index.ts";
import { AGENT_VERSION } from "../version.ts";

export const summary = "run the agent daemon: enroll once, then report this host to the control plane";

const USAGE = `usage: agent run --server ws://<control-plane>/agent --state <file> [--token <enrollment token>]
                 [--root /] [--scan-interval-ms 2000]`;

/** Exit code when the control plane refuses our credential: an operator must re-enroll the host. */
const EXIT_UNAUTHORIZED = 3;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: "string" },
      state: { type: "string" },
      token: { type: "string" },
      root: { type: "string", default: "/" },
      "scan-interval-ms": { type: "string", default: "2000" },
    },
    strict: true,
  });
  if (!values.state) throw new Error(`--state is required\n${USAGE}`);
  const scanIntervalMs = Number(values["scan-interval-ms"]);
  if (!Number.isInteger(scanIntervalMs) || scanIntervalMs < 100 || scanIntervalMs > 3_600_000) {
    throw new Error("--scan-interval-ms must be an integer between 100 and 3600000");
  }
  const root = values.root;
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} agent: ${line}\n`);

  let state = await readAgentState(values.state);
  if (!state) {
    if (!values.server || !values.token) throw new Error(`not enrolled yet: --server and --token are required\n${USAGE}`);
    const host = (await scanHost(root)).host.hostname || osHostname();
    state = await enroll(values.server, values.token, host);
    await writeAgentState(values.state, state);
    log(`enrolled as ${state.hostName} (${state.hostId})`);
  } else if (values.server && values.server !== state.server) {
    state = { ...state, server: values.server };
  }

  return new Promise<number>((resolve) => {
    const session = startAgentSession({
      state: state!,
      scan: () => scanHost(root),
      scanIntervalMs,
      agentVersion: AGENT_VERSION,
      log,
      onUnauthorized: () => void session.stop().then(() => resolve(EXIT_UNAUTHORIZED)),
    });
    const shutdown = () => void session.stop().then(() => resolve(0));
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  });
}
