/**
 * The tests use real lspci, Chromium and libvirtd. A missing one must fail the run loudly,
 * never turn into silently skipped tests.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const checks: { what: string; ok: () => boolean; fix: string }[] = [
  { what: "lspci (pciutils)", ok: () => run("lspci", ["--version"]), fix: "apt-get install pciutils pci.ids" },
  { what: "chromium", ok: () => existsSync("/usr/bin/chromium"), fix: "apt-get install chromium" },
  { what: "virsh (libvirt-clients)", ok: () => run("virsh", ["--version"]), fix: "apt-get install libvirt-clients" },
  { what: "libvirtd answering on qemu:///system", ok: () => run("virsh", ["-c", "qemu:///system", "version"]), fix: "scripts/start-libvirtd.sh (after apt-get install libvirt-daemon qemu-system-x86)" },
  { what: "sshd (openssh-server)", ok: () => existsSync("/usr/sbin/sshd") && existsSync("/usr/bin/ssh-keygen"), fix: "apt-get install openssh-server" },
  { what: "sudo", ok: () => run("sudo", ["-V"]), fix: "apt-get install sudo" },
  { what: "systemd-analyze (systemd)", ok: () => run("systemd-analyze", ["--version"]), fix: "apt-get install systemd" },
];

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
