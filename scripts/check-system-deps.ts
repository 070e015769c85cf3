/**
 * The tests use real lspci, Chromium and libvirtd. A missing one must fail the run loudly,
 * never turn into silently skipped tests.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

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
  // The test hypervisor (scripts/testhost): its image is built from Debian's packages, QEMU 10 unpacked beside the system's.
  {
    what: "mmdebstrap (the test hypervisor's image)",
    ok: () => run("mmdebstrap", ["--version"]),
    fix: "apt-get install mmdebstrap",
  },
  {
    what: "mke2fs -d (e2fsprogs 1.43+)",
    ok: () => run("mke2fs", ["-V"]),
    fix: "apt-get install e2fsprogs",
  },
  {
    what: "ssh and scp (openssh-client)",
    ok: () => existsSync("/usr/bin/ssh") && existsSync("/usr/bin/scp"),
    fix: "apt-get install openssh-client",
  },
  {
    what: "Debian's archive keyring",
    ok: () => existsSync("/usr/share/keyrings/debian-archive-keyring.gpg"),
    fix: "apt-get install debian-archive-keyring (apt checks the backports QEMU and the image's packages with it)",
  },
  {
    what: "root, or a test hypervisor image already built",
    ok: () => process.getuid?.() === 0 || imageBuilt(),
    fix: "run pnpm test as root once: the test hypervisor's image is built with mmdebstrap in root mode, then cached under .vfleet/testhost",
  },
];

function imageBuilt(): boolean {
  const dir = process.env.VFLEET_TESTHOST_DIR ?? join(import.meta.dirname, "..", ".vfleet", "testhost");
  return existsSync(dir) && readdirSync(dir).some((d) => d.startsWith("image-") && existsSync(join(dir, d, "rootfs.ext4")));
}

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
