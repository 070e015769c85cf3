import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PostgresBinaries } from "./postgres-binaries.ts";
import type { PostgresUser } from "./postgres-user.ts";

/** English server messages: start-up is recognised by one of them. */
const ENV = { ...process.env, LC_MESSAGES: "C" };
const READY = "database system is ready to accept connections";

const ids = (user: PostgresUser) => (user ? { uid: user.uid, gid: user.gid } : {});

async function own(path: string, user: PostgresUser, mode: number): Promise<void> {
  if (user) await chown(path, user.uid, user.gid);
  await chmod(path, mode);
}

/** `initdb` a new cluster in `dataDir` (owned by `user`) with a password-protected superuser. */
export async function initCluster(
  bin: PostgresBinaries,
  user: PostgresUser,
  p: { dataDir: string; superuser: string; password: string; onLog: (line: string) => void },
): Promise<void> {
  await mkdir(p.dataDir, { recursive: true });
  await own(p.dataDir, user, 0o700);
  // The password reaches initdb in a file only it (as `user`) can read, never on a command line.
  const scratch = await mkdtemp(join(tmpdir(), "vfleet-initdb-"));
  const pwfile = join(scratch, "pw");
  try {
    await own(scratch, user, 0o700);
    await writeFile(pwfile, `${p.password}\n`, { mode: 0o600 });
    await own(pwfile, user, 0o600);
    const args = [
      `--pgdata=${p.dataDir}`,
      "--auth=password",
      `--username=${p.superuser}`,
      `--pwfile=${pwfile}`,
      "--encoding=UTF8",
      "--no-locale",
    ];
    await new Promise<void>((resolve, reject) => {
      const child = spawn(bin.initdb, args, { ...ids(user), env: ENV, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => p.onLog(c.toString()));
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
        p.onLog(c.toString());
      });
      child.once("error", reject);
      child.once("close", (code, signal) =>
        code === 0 ? resolve() : reject(new Error(`initdb exited with ${code ?? signal}: ${stderr.trim()}`)),
      );
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export interface PostgresServer {
  /** Fast shutdown (SIGINT), resolved once the postmaster exited. */
  stop(): Promise<void>;
}

/**
 * Block until process `pid` has exited (a zombie counts: we cannot reap it from an exit handler),
 * at most `ms`. Exit handlers cannot await, and a postmaster still writing its shutdown checkpoint
 * after we are gone would look like a leak and hold the data directory.
 */
function waitGoneSync(pid: number, ms: number): void {
  const deadline = Date.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < deadline) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      return;
    }
    if (/\) [ZX] /.test(stat)) return;
    Atomics.wait(pause, 0, 0, 50);
  }
}

/**
 * Start the postmaster on `dataDir` as `user`, resolved once it accepts connections. It is our
 * child: if this process exits without stopping it (a crash, or an exit before `stop`), the exit
 * hook stops it and waits (bounded) for it to be gone; a SIGKILLed parent's orphan is stopped by
 * the next start (stopOrphan).
 */
export function startServer(
  bin: PostgresBinaries,
  user: PostgresUser,
  p: { dataDir: string; port: number; flags: string[]; onLog: (line: string) => void },
): Promise<PostgresServer> {
  const child = spawn(bin.postgres, ["-D", p.dataDir, "-p", String(p.port), ...p.flags], {
    ...ids(user),
    env: ENV,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const onExit = () => {
    child.kill("SIGINT");
    if (child.pid) waitGoneSync(child.pid, 30_000);
  };
  process.once("exit", onExit);
  const stop = async () => {
    process.off("exit", onExit);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    await exited;
  };
  return new Promise((resolve, reject) => {
    let ready = false;
    const read = (c: Buffer) => {
      const text = c.toString();
      p.onLog(text);
      if (!ready && text.includes(READY)) {
        ready = true;
        resolve({ stop });
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("error", (error) => {
      process.off("exit", onExit);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      process.off("exit", onExit);
      if (!ready) reject(new Error(`postgres exited with ${code ?? signal} before accepting connections`));
    });
  });
}
