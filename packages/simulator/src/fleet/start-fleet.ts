import { spawn, type ChildProcess } from "node:child_process";
import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { buildTree } from "../index.ts";

export interface FleetHostSpec {
  /** Directory name and enrollment name; defaults to the profile name. */
  name?: string;
  profile: string;
  vfs?: number;
  /** More `agent run` arguments for this host alone (after the fleet's), e.g. ["--policy", file]. */
  agentArgs?: string[];
}

export interface FleetHost {
  name: string;
  profile: string;
  /** Root of the simulated sysfs/procfs tree the agent reads. */
  root: string;
  process: ChildProcess;
}

export interface FleetOptions {
  /** Control plane base URL, e.g. http://127.0.0.1:3000 */
  controlPlaneUrl: string;
  workDir: string;
  hosts: FleetHostSpec[];
  /**
   * How to start the agent CLI, e.g. [process.execPath, "--import", "tsx", "apps/agent/src/cli.ts"].
   * Injected so the simulator does not depend on the agent package (which depends on it in tests).
   */
  agentCommand: string[];
  /** An admin API token: creating enrollment tokens is an admin's act. */
  apiToken: string;
  scanIntervalMs?: number;
  /** More `agent run` arguments for every host, e.g. ["--timeout-ms", "5000"]. */
  agentArgs?: string[];
  /** Where agent log lines go; each is prefixed with the host name. */
  log?: (line: string) => void;
}

export interface Fleet {
  hosts: FleetHost[];
  /** Stop one host's agent (the host goes offline on the dashboard). */
  stopHost(name: string): Promise<void>;
  /** SIGKILL one host's agent: no goodbye, whatever it was doing is cut off. */
  killHost(name: string): Promise<void>;
  /** Start a stopped host's agent again on the same tree and credential. */
  startHost(name: string): Promise<void>;
  stop(): Promise<void>;
}

async function createEnrollmentToken(controlPlaneUrl: string, apiToken: string, hostName: string): Promise<string> {
  const res = await fetch(`${controlPlaneUrl}/api/v1/enrollment-tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiToken}` },
    body: JSON.stringify({ hostName }),
  });
  const body = (await res.json()) as { token?: string; error?: string };
  if (!res.ok || !body.token) throw new Error(`could not create an enrollment token for ${hostName}: ${body.error ?? res.status}`);
  return body.token;
}

function pipeLines(stream: NodeJS.ReadableStream | null, prefix: string, log: (line: string) => void) {
  let buffer = "";
  stream?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) if (line) log(`[${prefix}] ${line}`);
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
}

/**
 * Start a simulated fleet: for every host, write its sysfs tree, obtain a one-time enrollment
 * token from the control plane, and start a real agent process that enrolls and reports over
 * the WebSocket, exactly as on a real hypervisor.
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const wsUrl = `${options.controlPlaneUrl.replace(/^http/, "ws")}/agent`;
  const [command, ...baseArgs] = options.agentCommand;
  if (!command) throw new Error("agentCommand must name the program to run");

  const spawnAgent = async (name: string, dir: string, root: string, hostArgs: readonly string[] = []): Promise<ChildProcess> => {
    const statePath = join(dir, "agent-state.json");
    // An agent enrolled by an earlier run keeps its credential; only new hosts need a token.
    const enrolled = await access(statePath).then(
      () => true,
      () => false,
    );
    // The token goes in the environment, not argv: the process list is readable by every user.
    const env = enrolled
      ? process.env
      : { ...process.env, VFLEET_ENROLL_TOKEN: await createEnrollmentToken(options.controlPlaneUrl, options.apiToken, name) };
    const child = spawn(
      command,
      [
        ...baseArgs,
        "run",
        "--server",
        wsUrl,
        "--state",
        statePath,
        "--root",
        root,
        "--scan-interval-ms",
        String(options.scanIntervalMs ?? 1000),
        // Every fleet host is a simulator tree: jobs go through the kernel model, not real sysfs.
        "--simulated",
        ...(options.agentArgs ?? []),
        ...hostArgs,
      ],
      { stdio: ["ignore", "pipe", "pipe"], env },
    );
    pipeLines(child.stdout, name, log);
    pipeLines(child.stderr, name, log);
    return child;
  };

  const hosts: FleetHost[] = [];
  for (const spec of options.hosts) {
    const name = spec.name ?? spec.profile;
    const dir = join(options.workDir, name);
    const root = join(dir, "root");
    await mkdir(dir, { recursive: true });
    await buildTree(spec.profile, root, spec.vfs === undefined ? {} : { vfs: spec.vfs });
    hosts.push({ name, profile: spec.profile, root, process: await spawnAgent(name, dir, root, spec.agentArgs) });
  }
  const find = (name: string) => {
    const host = hosts.find((h) => h.name === name);
    if (!host) throw new Error(`no fleet host named ${name}`);
    return host;
  };

  return {
    hosts,
    async stopHost(name) {
      await stopProcess(find(name).process);
    },
    async killHost(name) {
      const child = find(name).process;
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      });
    },
    async startHost(name) {
      const host = find(name);
      if (host.process.exitCode === null && host.process.signalCode === null) throw new Error(`${name}'s agent is still running`);
      host.process = await spawnAgent(
        name,
        join(options.workDir, name),
        host.root,
        options.hosts.find((s) => (s.name ?? s.profile) === name)?.agentArgs,
      );
    },
    async stop() {
      await Promise.all(hosts.map((h) => stopProcess(h.process)));
    },
  };
}
