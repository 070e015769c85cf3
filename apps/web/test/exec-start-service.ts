import { execStartOf } from "@vfleet/core";
import type { ServiceManager } from "../server/host-install/service-manager.ts";
import { shellQuote } from "../server/host-install/ssh-session.ts";

/**
 * Its pid and log files sit beside the install directory (`/opt/vfleet-agent.pid`), not in it,
 * so they are not among what the installer must leave as it found.
 *
 * These machines run no systemd, so tests start the installed agent the way systemd would: the
 * command of the installed unit's own ExecStart= line, run as root in the background.
 */
export const execStartService: ServiceManager = {
  needsSystemd: false,
  async start(ssh, paths) {
    const unit = await ssh.root(`cat ${shellQuote(paths.unit)}`);
    const argv = execStartOf(unit.stdout);
    const pid = `${paths.dir}.pid`;
    const stop = await this.stop(ssh, paths);
    const r = await ssh.root(
      `cd / && setsid ${argv.map(shellQuote).join(" ")} </dev/null >>${shellQuote(`${paths.dir}.log`)} 2>&1 & echo $! > ${shellQuote(pid)}`,
    );
    if (r.code !== 0) throw new Error(`starting the ExecStart command failed: ${r.stderr}`);
    return `${stop}started: ${argv.join(" ")}`;
  },
  async stop(ssh, paths) {
    const pid = shellQuote(`${paths.dir}.pid`);
    const r = await ssh.root(
      `if [ -f ${pid} ]; then p=$(cat ${pid}); kill "$p" 2>/dev/null; while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; rm -f ${pid}; echo "stopped $p"; fi`,
    );
    return r.stdout;
  },
  async logs(ssh, paths) {
    return (await ssh.root(`tail -n 30 ${shellQuote(`${paths.dir}.log`)} 2>&1`)).stdout;
  },
};
