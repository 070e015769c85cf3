import { parseArgs } from "node:util";
import { AGENT_PATHS, statusFileOf } from "@vfleet/core";
import { readAgentConfig } from "../daemon/read-config.ts";
import { readAgentState } from "../daemon/state-file.ts";
import { readAgentStatus } from "../daemon/status-file.ts";

export const summary =
  "is the daemon running and connected, when did the control plane last take a snapshot, which jobs run (--config, --json)";

const USAGE = `usage: vfleet-agent status [--config ${AGENT_PATHS.config}] [--json]
exit status: 0 running and connected, 1 not running or not connected, 2 not configured or not enrolled`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

const ago = (iso: string) => `${Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000))} s ago`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string", default: AGENT_PATHS.config },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = await readAgentConfig(values.config!);
  const state = await readAgentState(config.state);
  const status = await readAgentStatus(statusFileOf(config.state));
  const running = status !== null && alive(status.pid);
  const connected = running && status.connected;
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ enrolled: state !== null, hostId: state?.hostId ?? null, hostName: state?.hostName ?? null, server: state?.server ?? config.server, running, ...status, connected }, null, 2)}\n`,
    );
  } else {
    const lines = [
      state ? `enrolled as ${state.hostName} (${state.hostId}) with ${state.server}` : `not enrolled yet (no ${config.state})`,
      status === null
        ? "daemon: has not run yet (no status file)"
        : running
          ? `daemon: running (pid ${status.pid}, since ${status.startedAt})`
          : `daemon: not running (last seen ${ago(status.updatedAt)})`,
      `connected: ${connected ? "yes" : "no"}${!connected && status?.lastError ? ` (${status.lastError})` : ""}`,
      `last snapshot taken by the control plane: ${status?.lastSnapshotAt ? `${ago(status.lastSnapshotAt)} (hash ${status.lastSnapshotHash?.slice(0, 12)})` : "never"}`,
      `jobs running: ${running && status.runningJobs.length ? status.runningJobs.join(", ") : "none"}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  if (!state) return 2;
  return connected ? 0 : 1;
}
