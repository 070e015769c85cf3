/**
 * The test hypervisor's image, cached by content under .vfleet/testhost/image-<hash>: the hash
 * covers the build script, the Node.js binary copied in and the SSH key let in, so any change to
 * one rebuilds it and nothing else does. Building needs root (mmdebstrap) and about a minute.
 */
import { createHash } from "node:crypto";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { debianMirror } from "./debian-sources.ts";
import { withLock } from "./lock.ts";
import { REPO_ROOT, testhostDir } from "./paths.ts";

export interface TesthostImage {
  dir: string;
  rootfs: string;
  kernel: string;
  initrd: string;
  /** The image's sshd host key (`ssh-ed25519 AAAA...`): clients pin it. */
  hostKey: string;
  /** The private key that logs in as root. */
  key: string;
}

const BUILD_SCRIPT = join(REPO_ROOT, "scripts/testhost/build-image.sh");

/** The root login key, made once per checkout (never committed: .vfleet/ is ignored). */
export function ensureKey(): string {
  const key = join(testhostDir(), "id_ed25519");
  if (!existsSync(key)) {
    mkdirSync(testhostDir(), { recursive: true });
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "vfleet-testhost", "-f", key]);
  }
  return key;
}

function fileHash(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function imageLayout(dir: string, key: string): TesthostImage {
  return {
    dir,
    rootfs: join(dir, "rootfs.ext4"),
    kernel: join(dir, "vmlinuz"),
    initrd: join(dir, "initrd.img"),
    hostKey: readFileSync(join(dir, "host-key.pub"), "utf8").trim().split(/\s+/).slice(0, 2).join(" "),
    key,
  };
}

export async function ensureImage(log: (line: string) => void = () => {}): Promise<TesthostImage> {
  const key = ensureKey();
  const node = process.execPath;
  const hash = createHash("sha256")
    .update(fileHash(BUILD_SCRIPT))
    .update(fileHash(node))
    .update(readFileSync(`${key}.pub`))
    .digest("hex")
    .slice(0, 16);
  const dir = join(testhostDir(), `image-${hash}`);
  if (existsSync(join(dir, "rootfs.ext4"))) return imageLayout(dir, key);
  return withLock(join(testhostDir(), "image.lock"), async () => {
    if (existsSync(join(dir, "rootfs.ext4"))) return imageLayout(dir, key);
    if (process.getuid?.() !== 0)
      throw new Error("testhost: building the image needs root (mmdebstrap); run as root once, then it is cached");
    const started = Date.now();
    log(`testhost: building the image (Debian bookworm, Debian's kernel, systemd, sshd, Node.js ${process.version}) in ${dir}`);
    await run("bash", [BUILD_SCRIPT, dir, node, `${key}.pub`, debianMirror()], log);
    log(`testhost: image built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    // Older images (another script version, another Node) only take space now.
    for (const d of readdirSync(testhostDir())) {
      if (d.startsWith("image-") && d !== `image-${hash}`) rmSync(join(testhostDir(), d), { recursive: true, force: true });
    }
    return imageLayout(dir, key);
  });
}

function run(cmd: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) {
        log(tail.trim().split("\n").at(-1) ?? "");
        resolve();
      } else reject(new Error(`testhost: ${cmd} ${args[0]} failed (exit ${code}):\n${tail}`));
    });
  });
}
