import type { AGENT_PATHS } from "@vfleet/core";
import { shellQuote, type SshSession } from "./ssh-session.ts";

/** How the installed agent is started and stopped on the host. */
export interface ServiceManager {
  /** Preflight refuses a host without a running systemd when true. */
  needsSystemd: boolean;
  start(ssh: SshSession, paths: typeof AGENT_PATHS): Promise<string>;
  stop(ssh: SshSession, paths: typeof AGENT_PATHS): Promise<string>;
  /** The agent's last log lines, shown when it does not come online. */
  logs(ssh: SshSession, paths: typeof AGENT_PATHS): Promise<string>;
}

async function must(ssh: SshSession, command: string): Promise<string> {
  const r = await ssh.root(command);
  const out = `$ ${command}\n${r.stdout}${r.stderr}`;
  if (r.code !== 0) throw Object.assign(new Error(`\`${command}\` failed with exit code ${r.code}`), { output: out });
  return out;
}

/** The agent as a systemd service (production). */
export const systemdService: ServiceManager = {
  needsSystemd: true,
  start: async (ssh, paths) =>
    must(
      ssh,
      `systemctl daemon-reload && systemctl enable ${shellQuote(paths.unitName)} && systemctl restart ${shellQuote(paths.unitName)}`,
    ),
  stop: async (ssh, paths) => must(ssh, `systemctl disable --now ${shellQuote(paths.unitName)} 2>&1 || true; systemctl daemon-reload`),
  logs: async (ssh, paths) => (await ssh.root(`journalctl -u ${shellQuote(paths.unitName)} -n 30 --no-pager 2>&1`)).stdout,
};
