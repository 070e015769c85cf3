import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A real OpenSSH server (Debian openssh-server) on a loopback port, with its own config and a
 * generated host key under a temp dir: the hypervisor the SSH installer talks to in tests.
 * Users are real local accounts (see addTestUser); their authorized_keys live in the temp dir.
 */
export interface TestSshd {
  port: number;
  dir: string;
  /** Replace the host key and restart on the same port (a reinstalled host, or a man in the middle). */
  rotateHostKey(): Promise<void>;
  authorize(user: string, publicKey: string): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitListening(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, "127.0.0.1", () => {
        c.destroy();
        resolve(true);
      });
      c.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not listen on ${port} within 10 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startSshd(): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), "vfleet-sshd-"));
  await chmod(dir, 0o755);
  const port = await freePort();
  await mkdir(join(dir, "authorized_keys"), { recursive: true });
  // sshd's privilege separation directory (Debian's init script makes it; no init runs here).
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  const hostKey = join(dir, "ssh_host_ed25519_key");
  const makeKey = async () => {
    await rm(hostKey, { force: true });
    await rm(`${hostKey}.pub`, { force: true });
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
  };
  await makeKey();
  const config = join(dir, "sshd_config");
  await writeFile(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}/%u`,
      "StrictModes no",
      "UsePAM no",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PubkeyAuthentication yes",
      "PermitRootLogin prohibit-password",
      "Subsystem sftp internal-sftp",
      "LogLevel VERBOSE",
      "",
    ].join("\n"),
  );
  let child: ChildProcess;
  let log = "";
  const start = async () => {
    child = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr!.on("data", (c: Buffer) => {
      log += c.toString();
    });
    await waitListening(port).catch((err: Error) => {
      throw new Error(`${err.message}\n${log}`);
    });
  };
  const halt = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    port,
    dir,
    async rotateHostKey() {
      await halt();
      await makeKey();
      await start();
    },
    async authorize(user, publicKey) {
      await writeFile(join(dir, "authorized_keys", user), `${publicKey.trim()}\n`, { flag: "a" });
    },
    async stop() {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A local account to log in as: `sudo: "nopasswd"` gets passwordless sudo, `"password"` gets a
 * sudo rule that asks for a password (which the installer cannot give). Its password is `*`:
 * no password login, but not a locked account (sshd refuses locked ones without PAM).
 */
export function addTestUser(name: string, sudo: "nopasswd" | "password"): () => void {
  execFileSync("useradd", ["-m", "-s", "/bin/sh", name]);
  execFileSync("usermod", ["-p", "*", name]);
  const rule = `/etc/sudoers.d/${name}`;
  execFileSync("sh", [
    "-c",
    `printf '%s\\n' '${name} ALL=(ALL) ${sudo === "nopasswd" ? "NOPASSWD: " : ""}ALL' > ${rule} && chmod 0440 ${rule}`,
  ]);
  return () => {
    execFileSync("rm", ["-f", rule]);
    execFileSync("userdel", ["-r", name], { stdio: "ignore" });
  };
}
