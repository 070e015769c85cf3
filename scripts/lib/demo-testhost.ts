/**
 * `VFLEET_DEMO_TESTHOST=1 pnpm demo`: a fourth host, `th1`, with a real Linux kernel (a test
 * hypervisor, scripts/testhost), put in the fleet the way an operator puts the agent on a
 * hypervisor: the dashboard's SSH install API (host key fingerprint checked against the image's
 * own key, then pinned; the agent artifact and its systemd unit; enrolled; online). The guest
 * reaches the control plane at QEMU's gateway, 10.0.2.2 (this machine's loopback).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { testhostDown, testhostUp } from "../testhost/vm.ts";
import { ensureImage } from "../testhost/image.ts";

export const DEMO_TESTHOST = "th1";

/** How the test hypervisor reaches a control plane listening on this machine's loopback. */
export function guestAgentUrl(planeUrl: string): string {
  const u = new URL(planeUrl);
  return `ws://10.0.2.2:${u.port || "80"}/agent`;
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

/** Boot th1 and install the agent on it through the control plane's SSH install; resolves once it is online. */
export async function addDemoTesthost(
  planeUrl: string,
  token: string,
  artifact: string,
  log: (line: string) => void,
): Promise<{ stop(): Promise<void>; report: string }> {
  if (!existsSync(artifact)) {
    log("demo: bundling the agent artifact for the test hypervisor ...");
    const { bundleAgent } = await import("@vfleet/agent/build");
    await bundleAgent(artifact);
  }
  const t = await testhostUp({ name: DEMO_TESTHOST, log });
  const stop = async () => void (await testhostDown(DEMO_TESTHOST));
  try {
    // First contact: the fingerprint sshd offers must be the one of the image's own host key (the "console" check).
    const image = await ensureImage();
    const expected = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", join(image.dir, "host-key.pub")], { encoding: "utf8" }).split(
      " ",
    )[1]!;
    const probe = (await api(planeUrl, token, "/api/v1/ssh-targets/probe", { address: "127.0.0.1", port: t.sshPort })) as {
      fingerprint: string;
    };
    if (probe.fingerprint !== expected)
      throw new Error(`th1 offers host key ${probe.fingerprint}, the image's is ${expected}: refusing to install`);
    const started = (await api(planeUrl, token, "/api/v1/host-installs", {
      action: "install",
      targets: [{ address: "127.0.0.1", port: t.sshPort, user: "root", hostName: DEMO_TESTHOST, hostKeySha256: expected }],
      key: { kind: "pasted", privateKey: readFileSync(t.key, "utf8") },
    })) as { url: string };
    for (;;) {
      const run = (await api(planeUrl, token, started.url)) as {
        state: string;
        targets: { state: string; steps: { text?: string; state: string }[]; error?: string }[];
      };
      if (run.state === "done") {
        const target = run.targets[0]!;
        if (target.state !== "succeeded") throw new Error(`installing the agent on th1 failed: ${JSON.stringify(target).slice(0, 2000)}`);
        break;
      }
      await sleep(2000);
    }
    return { stop, report: `th1: a real Linux kernel in QEMU (ssh -p ${t.sshPort} root@127.0.0.1 -i ${t.key}), agent installed over SSH` };
  } catch (err) {
    await stop();
    throw err;
  }
}
