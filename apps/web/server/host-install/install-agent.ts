import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { AGENT_PATHS, type AgentConfig, renderAgentUnit } from "@vfleet/core";
import {
  createEnrollmentToken,
  findSshTarget,
  getHostLiveness,
  hostOfEnrollmentToken,
  pinSshTarget,
  recordSshInstall,
  type Db,
} from "@vfleet/db";
import { buildOf, checkHostFacts, readHostFacts } from "./preflight.ts";
import type { ServiceManager } from "./service-manager.ts";
import { InstallError, openSshSession, shellQuote, type SshSession } from "./ssh-session.ts";
import type { StepLog } from "./step-log.ts";

export interface InstallTarget {
  address: string;
  port: number;
  user: string;
  /** The host's name in the fleet. */
  hostName: string;
  /** The fingerprint the operator confirmed (needed on first contact; must equal the pin later). */
  hostKeySha256?: string;
}

export interface InstallContext {
  db: Db;
  /** The agent artifact to upload (apps/agent/dist/vfleet-agent.mjs). */
  artifact: string;
  /** The agent WebSocket URL the host reaches the control plane at. */
  agentUrl: string;
  /** PEM of a private CA the host must trust for a wss:// control plane. */
  caPem?: string;
  minNode: number;
  service: ServiceManager;
  paths?: typeof AGENT_PATHS;
  onlineTimeoutMs?: number;
}

/** The pin to check against: the stored one, refusing an operator-given one that differs. */
async function expectedHostKey(db: Db, t: InstallTarget): Promise<string> {
  const pinned = await findSshTarget(db, t.address, t.port);
  if (pinned && t.hostKeySha256 && t.hostKeySha256 !== pinned.hostKeySha256) {
    throw new InstallError(
      `the host key of ${t.address}:${t.port} does not match its pin (${pinned.hostKeySha256})`,
      "Refused. If the host was reinstalled, verify the new fingerprint on its console and forget the old pin first.",
    );
  }
  const expected = pinned?.hostKeySha256 ?? t.hostKeySha256;
  if (!expected)
    throw new InstallError(
      `no confirmed host key for ${t.address}:${t.port}`,
      "First contact: fetch the host's fingerprint, compare it with the one on the host's console, and confirm it.",
    );
  return expected;
}

export async function connectTarget(
  log: StepLog,
  db: Db,
  t: InstallTarget,
  key: { privateKey: string; passphrase?: string },
): Promise<SshSession> {
  return log.step("connect", async (out) => {
    const expected = await expectedHostKey(db, t);
    const ssh = await openSshSession(t, key.privateKey, expected, key.passphrase);
    await pinSshTarget(db, { address: t.address, port: t.port, user: t.user, hostName: t.hostName, hostKeySha256: ssh.fingerprint });
    out(`logged in to ${t.address}:${t.port} as ${t.user}; host key ${ssh.fingerprint} (pinned)`);
    return ssh;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The build the artifact names itself (`0.1.0+3f2c1ab`), asked the way an operator would: `version --json`. */
async function artifactBuild(artifact: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [artifact, "version", "--json"], { timeout: 30_000 }).catch(() => ({
    stdout: "",
  }));
  return buildOf(stdout.trim()) || "of unknown version";
}

/**
 * Install the agent on one host, or upgrade it in place when it is installed already. Nothing
 * changes before every preflight check passed; a failure after that puts back the files as they
 * were (and restarts the previous agent on an upgrade).
 */
export async function installAgent(
  log: StepLog,
  ctx: InstallContext,
  t: InstallTarget,
  key: { privateKey: string; passphrase?: string },
): Promise<{ hostId: string }> {
  const paths = ctx.paths ?? AGENT_PATHS;
  const ssh = await connectTarget(log, ctx.db, t, key);
  const remoteTmp = { dir: "" };
  try {
    const facts = await log.step("preflight", async (out) => {
      const { facts, output } = await readHostFacts(ssh, paths);
      out(output);
      const { warnings } = checkHostFacts(facts, { minNode: ctx.minNode, needSystemd: ctx.service.needsSystemd });
      for (const w of warnings) out(`warning: ${w}`);
      out(
        facts.installedSha256
          ? `agent installed (sha256 ${facts.installedSha256.slice(0, 12)}): upgrade in place`
          : "no agent installed: fresh install",
      );
      return facts;
    });

    const artifact = await readFile(ctx.artifact).catch(() => {
      throw new InstallError(`the agent artifact ${ctx.artifact} is missing`, "Build it on the control plane: pnpm build.");
    });
    const sha256 = createHash("sha256").update(artifact).digest("hex");
    const upgrade = facts.installedSha256 !== "" && facts.enrolled;
    const newAgent = `agent ${await artifactBuild(ctx.artifact)} (sha256 ${sha256.slice(0, 12)})`;
    const change = upgrade
      ? `upgrade from agent ${facts.installedBuild || "of unknown version"} (sha256 ${facts.installedSha256.slice(0, 12)}) to ${newAgent}`
      : `fresh install of ${newAgent}`;
    await log.step("upload", async (out) => {
      const r = await ssh.run("mktemp -d /tmp/vfleet-install.XXXXXX");
      if (r.code !== 0) throw new Error(`mktemp failed: ${r.stderr.trim()}`);
      remoteTmp.dir = r.stdout.trim();
      await ssh.putFile(ctx.artifact, `${remoteTmp.dir}/vfleet-agent.mjs`);
      out(`uploaded ${(artifact.length / 1024).toFixed(0)} KiB to ${remoteTmp.dir}: ${change}`);
    });

    const token = upgrade ? null : (await createEnrollmentToken(ctx.db, { hostName: t.hostName, ttlSec: 900 })).token;
    const config: AgentConfig = {
      server: ctx.agentUrl,
      state: paths.state,
      root: "/",
      scanIntervalMs: 2000,
      ...(token ? { enrollTokenFile: paths.tokenFile } : {}),
      ...(ctx.caPem ? { caFile: `${paths.configDir}/ca.pem` } : {}),
    };
    const files: { path: string; mode: string; content?: string; from?: string }[] = [
      { path: paths.artifact, mode: "0755", from: `${remoteTmp.dir}/vfleet-agent.mjs` },
      { path: paths.config, mode: "0644", content: `${JSON.stringify(config, null, 2)}\n` },
      { path: paths.unit, mode: "0644", content: renderAgentUnit(facts.nodePath, paths) },
      ...(ctx.caPem ? [{ path: `${paths.configDir}/ca.pem`, mode: "0644", content: ctx.caPem }] : []),
      ...(token ? [{ path: paths.tokenFile, mode: "0600", content: `${token}\n` }] : []),
    ];
    const startedAt = new Date();
    let written = false;
    try {
      await log.step("write files", async (out) => {
        written = true;
        for (const f of files) {
          // Keep what was there (an upgrade's previous version) until the new agent is online.
          const backup = `[ -e ${shellQuote(f.path)} ] && cp -a ${shellQuote(f.path)} ${shellQuote(`${f.path}.vfleet-prev`)}; mkdir -p "$(dirname ${shellQuote(f.path)})"`;
          const put = f.from
            ? `install -m ${f.mode} ${shellQuote(f.from)} ${shellQuote(f.path)}`
            : `install -m ${f.mode} /dev/stdin ${shellQuote(f.path)}`;
          const r = await ssh.root(`${backup}; ${put}`, f.content !== undefined ? { stdin: f.content } : {});
          if (r.code !== 0) throw new Error(`writing ${f.path} failed: ${r.stderr.trim()}`);
          out(`wrote ${f.path} (mode ${f.mode})`);
        }
      });
      await log.step("start", async (out) => out(await ctx.service.start(ssh, paths)));
      const hostId = await log.step("wait online", async (out) => {
        const deadline = Date.now() + (ctx.onlineTimeoutMs ?? 60_000);
        for (;;) {
          const id = token
            ? await hostOfEnrollmentToken(ctx.db, token)
            : ((await findSshTarget(ctx.db, t.address, t.port))?.hostId ?? null);
          const host = id ? await getHostLiveness(ctx.db, id) : null;
          // connectedAt after the (re)start: on an upgrade, the old agent's connection does not count.
          if (host?.online && host.snapshotAt && host.connectedAt && host.connectedAt.getTime() >= startedAt.getTime() - 1000) {
            out(`${host.name} is online (agent ${host.agentVersion}, snapshot of ${host.snapshotAt.toISOString()})`);
            return id!;
          }
          if (Date.now() > deadline) {
            const logs = await ctx.service.logs(ssh, paths).catch(() => "");
            throw new InstallError(
              `the agent did not come online within ${(ctx.onlineTimeoutMs ?? 60_000) / 1000} s`,
              `Its last log lines:\n${logs || "(none)"}\nCheck that the host reaches ${ctx.agentUrl}.`,
            );
          }
          await sleep(500);
        }
      });
      await log.step("finish", async (out) => {
        const cleanup = [...files.map((f) => `${f.path}.vfleet-prev`), ...(token ? [paths.tokenFile] : [])];
        await ssh.root(`rm -f ${cleanup.map(shellQuote).join(" ")}`);
        await recordSshInstall(ctx.db, (await findSshTarget(ctx.db, t.address, t.port))!.id, { hostId, agentSha256: sha256 });
        out(token ? "enrollment token used and removed" : `kept the host's credential (${change})`);
      });
      return { hostId };
    } catch (err) {
      if (written)
        await log
          .step("roll back", async (out) => {
            out(await ctx.service.stop(ssh, paths).catch((e: { output?: string }) => e.output ?? ""));
            const restore = files.map(
              (f) =>
                `if [ -e ${shellQuote(`${f.path}.vfleet-prev`)} ]; then mv -f ${shellQuote(`${f.path}.vfleet-prev`)} ${shellQuote(f.path)}; else rm -f ${shellQuote(f.path)}; fi`,
            );
            // A fresh install also takes away the directories it made (rmdir leaves any that hold other files).
            const dirs = upgrade ? [] : [...new Set(files.map((f) => f.path.slice(0, f.path.lastIndexOf("/"))))];
            const r = await ssh.root([...restore, ...dirs.map((d) => `rmdir ${shellQuote(d)} 2>/dev/null`), "true"].join("; "));
            out(
              `${upgrade ? "restored the previous files" : "deleted what this install wrote"}${r.code === 0 ? "" : `: ${r.stderr.trim()}`}`,
            );
            if (upgrade) out(await ctx.service.start(ssh, paths));
          })
          .catch(() => {});
      throw err;
    }
  } finally {
    if (remoteTmp.dir) await ssh.run(`rm -rf ${shellQuote(remoteTmp.dir)}`).catch(() => {});
    ssh.close();
  }
}
