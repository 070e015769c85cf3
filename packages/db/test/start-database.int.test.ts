import { spawn } from "node:child_process";
import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findFreePort } from "../src/find-free-port.ts";
import { PASSWORD_FILE, startDatabase } from "../src/start-database.ts";
import { query } from "./pg-server.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("startDatabase", () => {
  it("as root, with the data directory inside a 0700 directory (root's home), keeps the cluster under /var/lib/vfleet and leaves the 0700 alone", async () => {
    expect(process.getuid?.(), "this test is about running as root, as the demo does").toBe(0);
    const home = await mkdtemp(join(tmpdir(), "vfleet-home-"));
    dirs.push(home);
    await chmod(home, 0o700);
    const checkout = join(home, "vfleet");
    await mkdir(checkout);
    const dataDir = join(checkout, ".vfleet", "postgres");
    const first = await startDatabase({ dataDir });
    let target = "";
    try {
      expect((await lstat(dataDir)).isSymbolicLink()).toBe(true);
      target = await readlink(dataDir);
      expect(target).toMatch(/^\/var\/lib\/vfleet\/data\/[0-9a-f]{16}$/);
      expect((await stat(target)).mode & 0o777).toBe(0o700);
      await query(first.url, `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`);
    } finally {
      await first.stop();
    }
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    const second = await startDatabase({ dataDir });
    try {
      expect(await query(second.url, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
    } finally {
      await second.stop();
    }
    // `rm -rf .vfleet` starts afresh: the unlinked cluster is replaced, not reused.
    await rm(join(checkout, ".vfleet"), { recursive: true });
    const third = await startDatabase({ dataDir });
    try {
      expect(await query(third.url, "SELECT to_regclass('kept') AS t")).toEqual([{ t: null }]);
    } finally {
      await third.stop();
      await rm(target, { recursive: true, force: true });
    }
  });

  it("initialises a data dir once and keeps its data across restarts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vfleet-start-"));
    dirs.push(dir);
    const first = await startDatabase({ dataDir: join(dir, "pg") });
    expect(first.embedded).toBe(true);
    expect(first.url).toMatch(/^postgresql:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/vfleet$/);
    try {
      await query(first.url, `CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`);
    } finally {
      await first.stop();
    }

    const port = await findFreePort();
    const second = await startDatabase({ dataDir: join(dir, "pg"), port });
    try {
      expect(second.url).toContain(`:${port}/vfleet`);
      expect(await query(second.url, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
    } finally {
      await second.stop();
    }
  });

  it("generates the superuser password per data directory and keeps it with the data, owner-readable only", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vfleet-pw-"));
    dirs.push(dir);
    const passwords: string[] = [];
    for (const name of ["a", "b"]) {
      const db = await startDatabase({ dataDir: join(dir, name) });
      try {
        const file = join(dir, name, PASSWORD_FILE);
        expect((await stat(file)).mode & 0o777).toBe(0o600);
        const password = (await readFile(file, "utf8")).trim();
        expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
        expect(db.url).toContain(`postgres:${password}@`);
        // The old fixed password no longer opens it.
        await expect(query(db.url.replace(`:${password}@`, ":vfleet@"), "SELECT 1")).rejects.toThrow(/password authentication failed/);
        passwords.push(password);
      } finally {
        await db.stop();
      }
    }
    expect(passwords[0]).not.toBe(passwords[1]);
    // The next start of a directory reads its own password back.
    const again = await startDatabase({ dataDir: join(dir, "a") });
    expect(again.url).toContain(`postgres:${passwords[0]}@`);
    await again.stop();
  });

  it("recovers by itself from the PostgreSQL a SIGKILLed control plane left running", async () => {
    const dir = await mkdtemp(join(tmpdir(), "vfleet-orphan-"));
    dirs.push(dir);
    const dataDir = join(dir, "pg");
    // A real separate process starts the database, as the control plane does, then dies by SIGKILL.
    const script = `import { startDatabase } from ${JSON.stringify(new URL("../src/start-database.ts", import.meta.url).pathname)};
      const db = await startDatabase({ dataDir: ${JSON.stringify(dataDir)} }); console.log("URL " + db.url); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
        const m = /URL (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`the child exited ${code} before starting the database`)));
    });
    await query(url, "CREATE TABLE survived (v int); INSERT INTO survived VALUES (42)");
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const orphan = Number((await readFile(join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
    expect(
      await stat(`/proc/${orphan}`).then(
        () => true,
        () => false,
      ),
    ).toBe(true);

    const next = await startDatabase({ dataDir });
    try {
      expect(await query(next.url, "SELECT v FROM survived")).toEqual([{ v: 42 }]);
      expect(
        await stat(`/proc/${orphan}`).then(
          () => true,
          () => false,
        ),
      ).toBe(false);
    } finally {
      await next.stop();
    }
  }, 120_000);

  it("uses an external databaseUrl as is, starting nothing", async () => {
    const external = await startDatabase({ databaseUrl: "postgresql://u:p@db.example:5432/fleet" });
    expect(external).toMatchObject({ url: "postgresql://u:p@db.example:5432/fleet", embedded: false });
    await external.stop();
  });

  it("rejects a bad port naming the limit", async () => {
    await expect(startDatabase({ port: 70000, dataDir: "/nonexistent" })).rejects.toThrow("port must be an integer 1-65535, got 70000");
  });
});
