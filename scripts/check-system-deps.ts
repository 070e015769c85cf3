/**
 * The tests use real lspci, Chromium and libvirtd. A missing one must fail the run loudly,
 * never turn into silently skipped tests.
 */
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const checks: { what: string; ok: () => boolean; fix: string }[] = [
  { what: "lspci (pciutils)", ok: () => run("lspci", ["--version"]), fix: "apt-get install pciutils pci.ids" },
  { what: "chromium", ok: () => existsSync("/usr/bin/chromium"), fix: "apt-get install chromium" },
  { what: "virsh (libvirt-clients)", ok: () => run("virsh", ["--version"]), fix: "apt-get install libvirt-clients" },
  {
    what: "xmllint (libxml2-utils)",
    ok: () => run("xmllint", ["--version"]),
    fix: "apt-get install libxml2-utils (virt-xml-validate calls it)",
  },
  {
    what: "/dev/kvm as group kvm, mode 0660",
    ok: kvmNodeUsable,
    fix: "chgrp kvm /dev/kvm && chmod 0660 /dev/kvm, as Debian's udev rule does (else libvirtd re-probes QEMU on every call: ~47 s per virsh define); scripts/start-libvirtd.sh does it and restarts libvirtd",
  },
  {
    what: "libvirtd answering on qemu:///system",
    ok: () => run("virsh", ["-c", "qemu:///system", "version"]),
    fix: "scripts/start-libvirtd.sh (after apt-get install libvirt-daemon qemu-system-x86)",
  },
  {
    what: "sshd (openssh-server)",
    ok: () => existsSync("/usr/sbin/sshd") && existsSync("/usr/bin/ssh-keygen"),
    fix: "apt-get install openssh-server",
  },
  { what: "sudo", ok: () => run("sudo", ["-V"]), fix: "apt-get install sudo" },
  {
    what: "python3",
    ok: () => run("python3", ["--version"]),
    fix: "apt-get install python3 (test/fixtures/slow-reading-agent.py: an agent socket that reads nothing)",
  },
  { what: "systemd-analyze (systemd)", ok: () => run("systemd-analyze", ["--version"]), fix: "apt-get install systemd" },
];

/** No /dev/kvm at all is fine (libvirt then uses TCG); one only root can open is the slow case. */
function kvmNodeUsable(): boolean {
  if (!existsSync("/dev/kvm")) return true;
  const st = statSync("/dev/kvm");
  const group = run("getent", ["group", "kvm"]) ? execFileSync("getent", ["group", "kvm"], { encoding: "utf8" }).split(":")[2] : undefined;
  return group !== undefined && st.gid === Number(group) && (st.mode & 0o060) === 0o060;
}

function run(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore", timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

const missing = checks.filter((c) => !c.ok());
if (missing.length > 0) {
  console.error("\nvfleet tests need these system components, and they are missing:");
  for (const m of missing) console.error(`  - ${m.what}: ${m.fix}`);
  console.error("Run `pnpm setup-system` as root (it installs and starts them), then `pnpm test` again.\n");
  process.exit(1);
}
console.log(`system dependencies present: ${checks.map((c) => c.what).join(", ")}`);
