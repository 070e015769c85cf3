import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import path from "node:path";
import { rootCertificates } from "node:tls";
import { parseArgs } from "node:util";
import { AGENT_PATHS, type AgentConfig, MIN_NODE } from "@vfleet/core";
import { httpBaseOf } from "../daemon/enroll.ts";
import { readAgentConfig } from "../daemon/read-config.ts";
import { readAgentState } from "../daemon/state-file.ts";
import { assertLibvirtReachable, createVirsh } from "../libvirt/index.ts";

export const summary = "check what the agent needs on this host: Node.js, config, sysfs, IOMMU, ip, libvirt, the control plane";

const USAGE = `usage: vfleet-agent doctor [--config ${AGENT_PATHS.config}] [--json]
exit status: 0 every check passes, 1 a check fails`;

type Verdict = "ok" | "fail" | "unknown";
interface Check {
  name: string;
  verdict: Verdict;
  detail: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split("\n")[0]!;

function runIpVersion(): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("ip", ["-V"], { timeout: 5000 }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))),
  );
}

/** Any HTTP answer means the control plane's port is reachable (TLS verified against caFile when given). */
function reach(config: AgentConfig, ca: string | undefined): Promise<string> {
  const url = `${httpBaseOf(config.server)}/api/v1/enroll`;
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", timeout: 5000, ...(ca ? { ca: [...rootCertificates, ca] } : {}) }, (res) => {
      res.resume();
      resolve(`${url} answered HTTP ${res.statusCode} in ${(performance.now() - t0).toFixed(0)} ms`);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on("error", reject);
    req.end();
  });
}

async function runChecks(configFile: string): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (name: string, verdict: Verdict, detail: string) => checks.push({ name, verdict, detail });
  const major = Number(process.versions.node.split(".")[0]);
  add("node", major >= MIN_NODE ? "ok" : "fail", `Node.js ${process.versions.node} (needs ${MIN_NODE} or newer)`);

  let config: AgentConfig | null = null;
  try {
    config = await readAgentConfig(configFile);
    add("config", "ok", `${configFile}: server ${config.server}, state ${config.state}`);
  } catch (err) {
    add("config", "fail", message(err));
  }
  const root = config?.root ?? "/";

  try {
    const devices = await readdir(path.join(root, "sys/bus/pci/devices"));
    add(
      "sysfs",
      devices.length > 0 ? "ok" : "fail",
      `${devices.length} PCI functions readable under ${path.join(root, "sys/bus/pci/devices")}`,
    );
  } catch (err) {
    add("sysfs", "fail", `cannot read ${path.join(root, "sys/bus/pci/devices")}: ${message(err)}`);
  }

  try {
    const groups = await readdir(path.join(root, "sys/kernel/iommu_groups"));
    add(
      "iommu",
      groups.length > 0 ? "ok" : "fail",
      groups.length > 0
        ? `${groups.length} IOMMU groups`
        : `no IOMMU groups: turn the IOMMU on (intel_iommu=on or amd_iommu=on on the kernel command line, VT-d/AMD-Vi in firmware)`,
    );
  } catch (err) {
    add("iommu", "unknown", `could not tell: ${message(err)}`);
  }

  try {
    add("ip", "ok", await runIpVersion());
  } catch (err) {
    add("ip", "fail", `ip does not run (${message(err)}): apt-get install -y iproute2`);
  }

  try {
    add("libvirt", "ok", (await assertLibvirtReachable(createVirsh())).split("\n")[0]!);
  } catch (err) {
    add("libvirt", "fail", message(err));
  }

  if (!config) add("server", "unknown", "could not tell: no valid config");
  else {
    try {
      const ca = config.caFile ? await readFile(config.caFile, "utf8") : undefined;
      add("server", "ok", await reach(config, ca));
    } catch (err) {
      add("server", "fail", `cannot reach the control plane: ${message(err)}`);
    }
    const state = await readAgentState(config.state).catch((err: unknown) => {
      add("enrolled", "fail", message(err));
      return undefined;
    });
    if (state === null)
      add(
        "enrolled",
        config.enrollTokenFile ? "ok" : "fail",
        config.enrollTokenFile
          ? `not yet; will enroll with the token in ${config.enrollTokenFile}`
          : `no state file ${config.state} and no enrollTokenFile`,
      );
    else if (state) add("enrolled", "ok", `as ${state.hostName} (${state.hostId})`);
  }
  return checks;
}

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
  const checks = await runChecks(values.config!);
  if (values.json) process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
  else process.stdout.write(checks.map((c) => `${c.verdict.padEnd(7)} ${c.name.padEnd(8)} ${c.detail}`).join("\n") + "\n");
  return checks.some((c) => c.verdict === "fail") ? 1 : 0;
}
