import type { AGENT_PATHS } from "@vfleet/core";
import { InstallError, shellQuote, type SshSession } from "./ssh-session.ts";

export interface HostFacts {
  arch: string;
  kernel: string;
  uid: number;
  /** "ok", or the first line sudo printed when it refused (non-root users only). */
  sudo: string;
  systemd: "running" | "installed-not-running" | "absent";
  nodePath: string;
  nodeVersion: string;
  iommuGroups: number;
  virsh: string;
  /** sha256 of the installed artifact, "" when none. */
  installedSha256: string;
  /** What the installed artifact's `version --json` says (`0.1.0+3f2c1ab`), "" when none or it could not tell. */
  installedBuild: string;
  enrolled: boolean;
}

/** `0.1.0+3f2c1ab` from the agent's `version --json` output; "" when it is not that. */
export function buildOf(versionJson: string): string {
  try {
    const v = JSON.parse(versionJson) as { agent?: unknown; commit?: unknown };
    return typeof v.agent === "string" && typeof v.commit === "string" ? `${v.agent}+${v.commit}` : "";
  } catch {
    return "";
  }
}

/** One read-only shell script: nothing on the host changes before every check passed. */
function script(paths: typeof AGENT_PATHS): string {
  return `
echo "arch=$(uname -m)"
echo "kernel=$(uname -r)"
echo "uid=$(id -u)"
if [ "$(id -u)" = 0 ]; then echo "sudo=ok"; elif out=$(sudo -n true 2>&1); then echo "sudo=ok"; else echo "sudo=$(printf '%s' "$out" | head -n1)"; fi
if [ -d /run/systemd/system ]; then echo "systemd=running"; elif command -v systemctl >/dev/null 2>&1; then echo "systemd=installed-not-running"; else echo "systemd=absent"; fi
node=$(command -v node 2>/dev/null || true); echo "nodePath=$node"
if [ -n "$node" ]; then echo "nodeVersion=$("$node" -v)"; else echo "nodeVersion="; fi
echo "iommuGroups=$(ls /sys/kernel/iommu_groups 2>/dev/null | wc -l)"
echo "virsh=$(command -v virsh 2>/dev/null || true)"
`;
}

export async function readHostFacts(ssh: SshSession, paths: typeof AGENT_PATHS): Promise<{ facts: HostFacts; output: string }> {
  const r = await ssh.run(script(paths));
  const kv = Object.fromEntries(
    r.stdout
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1).trim()]),
  );
  const facts: HostFacts = {
    arch: kv.arch ?? "",
    kernel: kv.kernel ?? "",
    uid: Number(kv.uid ?? -1),
    sudo: kv.sudo ?? "",
    systemd: (kv.systemd ?? "absent") as HostFacts["systemd"],
    nodePath: kv.nodePath ?? "",
    nodeVersion: kv.nodeVersion ?? "",
    iommuGroups: Number(kv.iommuGroups ?? 0),
    virsh: kv.virsh ?? "",
    installedSha256: "",
    installedBuild: "",
    enrolled: false,
  };
  let output = r.stdout + r.stderr;
  if (facts.sudo === "ok") {
    // As root: the state file is the agent's secret (0600) and the install may sit where the login user cannot look.
    const artifact = shellQuote(paths.artifact);
    // The installed agent names its own build, so an upgrade can say from which to which.
    const build = facts.nodePath
      ? `; echo "installedVersion=$(${shellQuote(facts.nodePath)} ${artifact} version --json 2>/dev/null | head -c 400)"`
      : "";
    const installed = await ssh.root(
      `if [ -f ${artifact} ]; then echo "installedSha256=$(sha256sum ${artifact} | cut -d' ' -f1)"${build}; fi; if [ -f ${shellQuote(paths.state)} ]; then echo enrolled=yes; fi`,
    );
    facts.installedSha256 = /installedSha256=(\w+)/.exec(installed.stdout)?.[1] ?? "";
    facts.installedBuild = buildOf(/installedVersion=(.*)/.exec(installed.stdout)?.[1] ?? "");
    facts.enrolled = installed.stdout.includes("enrolled=yes");
    output += installed.stdout;
  }
  return { facts, output };
}

/** Root (directly or by passwordless sudo) and, for a systemd service, a running systemd. */
export function checkAccess(f: HostFacts, needSystemd: boolean): void {
  if (f.sudo !== "ok") {
    if (/password is required/i.test(f.sudo))
      throw new InstallError(
        "sudo asked for a password",
        "The installer cannot type a password. Log in as root, or give this user passwordless sudo (a NOPASSWD rule in /etc/sudoers.d/). Nothing was changed.",
      );
    throw new InstallError(
      `this user cannot become root: ${f.sudo || "sudo is not installed"}`,
      "Log in as root, or give this user passwordless sudo (a NOPASSWD rule in /etc/sudoers.d/). Nothing was changed.",
    );
  }
  if (needSystemd && f.systemd !== "running") {
    throw new InstallError(
      "no systemd on this host",
      f.systemd === "installed-not-running"
        ? "systemctl exists but systemd is not the running init (no /run/systemd/system): the agent is installed as a systemd service, so this host cannot run it. Nothing was changed."
        : "The agent is installed as a systemd service and this host has no systemd. Nothing was changed.",
    );
  }
}

/**
 * What stops an install, in the order an operator fixes them. Warnings (no IOMMU groups, no
 * libvirt) do not stop it: the agent still reports the host, and its audit says what is missing.
 */
export function checkHostFacts(f: HostFacts, opts: { minNode: number; needSystemd: boolean }): { warnings: string[] } {
  if (f.arch !== "x86_64")
    throw new InstallError(
      `unsupported architecture ${f.arch || "(unknown)"}`,
      "The agent artifact is built for Linux x86-64 hosts. Nothing was changed.",
    );
  checkAccess(f, opts.needSystemd);
  const major = Number(/^v(\d+)/.exec(f.nodeVersion)?.[1] ?? 0);
  if (!f.nodePath)
    throw new InstallError(
      "Node.js is not installed",
      `The agent is one JavaScript file run by Node.js ${opts.minNode} or newer: install it (e.g. apt-get install nodejs) and run the install again. Nothing was changed.`,
    );
  if (major < opts.minNode)
    throw new InstallError(
      `Node.js ${f.nodeVersion} is too old`,
      `The agent needs Node.js ${opts.minNode} or newer at ${f.nodePath}. Nothing was changed.`,
    );
  const warnings: string[] = [];
  if (f.iommuGroups === 0)
    warnings.push("no IOMMU groups: passthrough needs the IOMMU on (intel_iommu=on / amd_iommu=on); the agent will still report the host");
  if (!f.virsh)
    warnings.push("libvirt (virsh) not found: guest attach/detach jobs will fail until libvirt-clients and libvirtd are installed");
  return { warnings };
}
