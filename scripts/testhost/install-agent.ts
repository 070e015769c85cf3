/**
 * A test hypervisor (scripts/testhost) put in a control plane's fleet the way an operator puts the
 * agent on a hypervisor: the dashboard's SSH install API (host key fingerprint checked against the
 * image's own key, then pinned; the agent artifact and its systemd unit; enrolled; online). The
 * demo's `th1` (`VFLEET_DEMO_TESTHOST=1 pnpm demo`) and the kernel tests through the control plane.
 *
 * How the guest reaches the control plane: QEMU's gateway (10.0.2.2) does lead to this machine's
 * loopback, but a control plane listening on loopback answers only loopback Host names (its guard
 * against DNS rebinding), so an agent dialling ws://10.0.2.2:PORT is refused with 421. The demo
 * keeps an SSH reverse forward instead: the guest's own 127.0.0.1:PORT is this machine's, and the
 * agent uses the same URL as every other demo agent.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AGENT_PATHS } from "@vfleet/core";
import { setTimeout as sleep } from "node:timers/promises";
import { sshArgs, sshRun, type Testhost, testhostDown, testhostUp } from "./vm.ts";
import { ensureImage } from "./image.ts";

/**
 * `ssh -N -R`: the guest's 127.0.0.1:port leads to this machine's 127.0.0.1:port while it runs. A
 * reboot of the guest or a cut of its network ends the ssh session (ServerAliveInterval): it is
 * started again every few seconds until stopped, as a network that comes back would carry the
 * agent's connection again.
 */
function reverseForward(t: Testhost, port: number): { stop(): void } {
  let child: ChildProcess | null = null;
  let stopped = false;
  const start = () => {
    if (stopped) return;
    child = spawn(
      "ssh",
      [
        "-N",
        "-o",
        "ExitOnForwardFailure=yes",
        "-o",
        "ServerAliveInterval=5",
        "-o",
        "ServerAliveCountMax=3",
        "-R",
        `127.0.0.1:${port}:127.0.0.1:${port}`,
        ...sshArgs(t),
      ],
      { stdio: "ignore" },
    );
    child.once("exit", () => {
      child = null;
      if (!stopped) setTimeout(start, 3000).unref();
    });
  };
  start();
  return {
    stop() {
      stopped = true;
      child?.kill("SIGTERM");
    },
  };
}

async function api(planeUrl: string, token: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(new URL(path, planeUrl), {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${body === undefined ? "GET" : "POST"} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

export interface InstallOptions {
  planeUrl: string;
  /** An admin's API token. */
  token: string;
  /** The agent artifact (bundled here when missing). */
  artifact: string;
  /** The test hypervisor's name, also the host's name in the fleet. */
  name: string;
  log: (line: string) => void;
  /**
   * A policy file written before the install, which the unit's first start reads (a systemd drop-in
   * adds `--policy` to its command line, as an operator adopts PFs on a hypervisor).
   */
  policy?: { adopt: string[] };
}

export interface InstalledTesthost {
  testhost: Testhost;
  /** The host's id in the control plane. */
  hostId: string;
  /** Stop the test hypervisor (and the forward). */
  stop(): Promise<void>;
  /** Stop only the forward to the control plane: the test hypervisor keeps running. */
  stopForward(): Promise<void>;
  report: string;
}

/** The drop-in that adds `--policy` to the installed unit's command line (flags win over the config file). */
export const POLICY_FILE = "/etc/vfleet-agent/policy.json";
const DROP_IN_DIR = "/etc/systemd/system/vfleet-agent.service.d";

/** Boot a test hypervisor and install the agent on it through the control plane's SSH install; resolves once it is online. */
export async function installAgentOnTesthost(options: InstallOptions): Promise<InstalledTesthost> {
  const { planeUrl, token, artifact, name, log } = options;
  if (!existsSync(artifact)) {
    log("demo: bundling the agent artifact for the test hypervisor ...");
    const { bundleAgent } = await import("@vfleet/agent/build");
    await bundleAgent(artifact);
  }
  const t = await testhostUp({ name, log });
  const forward = reverseForward(t, Number(new URL(planeUrl).port));
  const stop = async () => {
    forward.stop();
    await testhostDown(name);
  };
  try {
    if (options.policy) {
      const node = (await sshRun(t, "command -v node")).trim();
      await sshRun(
        t,
        `mkdir -p ${AGENT_PATHS.configDir} ${DROP_IN_DIR} && cat > ${POLICY_FILE} && printf '%s\\n' '[Service]' 'ExecStart=' 'ExecStart=${node} ${AGENT_PATHS.artifact} run --config ${AGENT_PATHS.config} --policy ${POLICY_FILE}' > ${DROP_IN_DIR}/policy.conf`,
        { input: JSON.stringify({ version: 1, adopt: options.policy.adopt }) },
      );
    }
    // First contact: the fingerprint sshd offers must be the one of the image's own host key (the "console" check).
    const image = await ensureImage();
    const expected = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", join(image.dir, "host-key.pub")], { encoding: "utf8" }).split(
      " ",
    )[1]!;
    const probe = (await api(planeUrl, token, "/api/v1/ssh-targets/probe", { address: "127.0.0.1", port: t.sshPort })) as {
      fingerprint: string;
    };
    if (probe.fingerprint !== expected)
      throw new Error(`${name} offers host key ${probe.fingerprint}, the image's is ${expected}: refusing to install`);
    const started = (await api(planeUrl, token, "/api/v1/host-installs", {
      action: "install",
      targets: [{ address: "127.0.0.1", port: t.sshPort, user: "root", hostName: name, hostKeySha256: expected }],
      key: { kind: "pasted", privateKey: readFileSync(t.key, "utf8") },
    })) as { url: string };
    for (;;) {
      const run = (await api(planeUrl, token, started.url)) as {
        state: string;
        targets: { state: string; steps: { name: string; state: string }[] }[];
      };
      if (run.state === "done") {
        const target = run.targets[0]!;
        // The installer waits 60 s for the agent; under TCG Node alone takes most of that to start. Everything
        // else done, keep waiting for the host to come online rather than call a slow start a failure.
        const slowStart = target.steps.at(-1)?.name === "wait online" && target.steps.slice(0, -1).every((s) => s.state === "ok");
        if (target.state !== "succeeded" && !slowStart)
          throw new Error(`installing the agent on ${name} failed: ${JSON.stringify(target).slice(0, 2000)}`);
        break;
      }
      await sleep(2000);
    }
    const deadline = Date.now() + 600_000;
    let hostId: string | undefined;
    while (!hostId) {
      const { hosts } = (await api(planeUrl, token, `/api/v1/hosts?q=${name}`)) as {
        hosts: { id: string; name: string; online: boolean }[];
      };
      hostId = hosts.find((h) => h.name === name && h.online)?.id;
      if (hostId) break;
      if (Date.now() > deadline) throw new Error(`${name}'s agent was installed but did not come online within 10 minutes`);
      await sleep(3000);
    }
    return {
      testhost: t,
      hostId,
      stop,
      stopForward: async () => void forward.stop(),
      report: `${name}: a real Linux kernel in QEMU (ssh -p ${t.sshPort} root@127.0.0.1 -i ${t.key}), agent installed over SSH`,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
