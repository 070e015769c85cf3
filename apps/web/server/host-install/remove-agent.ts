import { AGENT_PATHS } from "@vfleet/core";
import { findSshTarget, recordSshInstall, revokeAgentCredentials, type Db } from "@vfleet/db";
import { checkAccess, readHostFacts } from "./preflight.ts";
import { connectTarget, type InstallTarget } from "./install-agent.ts";
import type { ServiceManager } from "./service-manager.ts";
import { InstallError, shellQuote } from "./ssh-session.ts";
import type { StepLog } from "./step-log.ts";

/** Stop the agent, delete everything the installer put on the host, and revoke the host's credential. */
export async function removeAgent(
  log: StepLog,
  ctx: { db: Db; service: ServiceManager; paths?: typeof AGENT_PATHS },
  t: InstallTarget,
  key: { privateKey: string; passphrase?: string },
): Promise<void> {
  const paths = ctx.paths ?? AGENT_PATHS;
  const target = await findSshTarget(ctx.db, t.address, t.port);
  if (!target)
    throw new InstallError(
      `vfleet never installed on ${t.address}:${t.port}`,
      "Nothing to remove: there is no pinned host key or install record for this address.",
    );
  const ssh = await connectTarget(log, ctx.db, t, key);
  try {
    await log.step("preflight", async (out) => {
      const { facts, output } = await readHostFacts(ssh, paths);
      out(output);
      checkAccess(facts, ctx.service.needsSystemd);
    });
    await log.step("stop", async (out) => out(await ctx.service.stop(ssh, paths)));
    await log.step("delete files", async (out) => {
      const gone = [paths.dir, paths.configDir, paths.stateDir, paths.unit];
      const r = await ssh.root(`rm -rf ${gone.map(shellQuote).join(" ")}`);
      if (r.code !== 0) throw new Error(`rm failed: ${r.stderr.trim()}`);
      out(`deleted ${gone.join(", ")}`);
    });
    await log.step("revoke", async (out) => {
      if (!target.hostId) return out("no enrolled host recorded for this address: nothing to revoke");
      const { revoked } = await revokeAgentCredentials(ctx.db, target.hostId);
      await recordSshInstall(ctx.db, target.id, { hostId: null, agentSha256: null });
      out(`revoked ${revoked} credential(s) of host ${target.hostId}`);
    });
  } finally {
    ssh.close();
  }
}
