/**
 * QEMU 10 (Debian's bookworm-backports build) unpacked beside the machine's own QEMU 7.2: only
 * QEMU 10 has the `igb` device (an Intel 82576 with SR-IOV), and replacing 7.2 would change the
 * QEMU that this machine's libvirtd runs for the libvirt tests. apt-get downloads the packages
 * with a private source list and state (the system's apt configuration is not touched); dpkg-deb
 * unpacks them under .vfleet/. Its modules load from its own directory (QEMU_MODULE_DIR).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { debianMirror } from "./debian-sources.ts";
import { withLock } from "./lock.ts";
import { testhostDir } from "./paths.ts";

export interface Qemu10 {
  binary: string;
  /** Firmware directories, for -L (SeaBIOS 1.16.3 from backports, then QEMU's own data). */
  firmware: string[];
  env: NodeJS.ProcessEnv;
}

const PACKAGES = ["qemu-system-x86", "qemu-system-data", "qemu-system-common", "seabios"];

function layout(dir: string): Qemu10 {
  return {
    binary: join(dir, "usr/bin/qemu-system-x86_64"),
    firmware: [join(dir, "usr/share/seabios"), join(dir, "usr/share/qemu")],
    env: { ...process.env, QEMU_MODULE_DIR: join(dir, "usr/lib/x86_64-linux-gnu/qemu") },
  };
}

export function qemu10Dir(): string {
  return join(testhostDir(), "qemu-10");
}

/** The unpacked QEMU 10, fetched and unpacked on first use. */
export async function ensureQemu10(log: (line: string) => void = () => {}): Promise<Qemu10> {
  const dir = qemu10Dir();
  if (existsSync(join(dir, ".complete"))) return layout(dir);
  return withLock(join(testhostDir(), "qemu-10.lock"), async () => {
    if (existsSync(join(dir, ".complete"))) return layout(dir);
    log("testhost: fetching QEMU 10 (bookworm-backports) to unpack beside the system's QEMU");
    const work = `${dir}.tmp`;
    rmSync(work, { recursive: true, force: true });
    const apt = join(work, "apt");
    for (const d of ["lists/partial", "archives/partial", "debs"]) mkdirSync(join(apt, d), { recursive: true });
    writeFileSync(
      join(apt, "sources.list"),
      `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${debianMirror()} bookworm-backports main\n`,
    );
    const opts = [
      `-oDir::Etc::SourceList=${join(apt, "sources.list")}`,
      "-oDir::Etc::SourceParts=/dev/null",
      `-oDir::State::Lists=${join(apt, "lists")}`,
      `-oDir::Cache=${apt}`,
      "-oAPT::Sandbox::User=root",
      "-qq",
    ];
    execFileSync("apt-get", [...opts, "update"], { stdio: ["ignore", "ignore", "inherit"] });
    execFileSync("apt-get", [...opts, "download", ...PACKAGES.map((p) => `${p}/bookworm-backports`)], {
      cwd: join(apt, "debs"),
      stdio: ["ignore", "ignore", "inherit"],
    });
    const root = join(work, "root");
    for (const deb of readdirSync(join(apt, "debs"))) execFileSync("dpkg-deb", ["-x", join(apt, "debs", deb), root]);
    rmSync(dir, { recursive: true, force: true });
    renameSync(root, dir);
    rmSync(work, { recursive: true, force: true });
    const version = execFileSync(layout(dir).binary, ["--version"], { env: layout(dir).env, encoding: "utf8" }).split("\n")[0]!;
    writeFileSync(join(dir, ".complete"), `${version}\n`);
    log(`testhost: ${version}`);
    return layout(dir);
  });
}
