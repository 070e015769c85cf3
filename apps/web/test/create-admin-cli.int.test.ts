import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations, createDb, startDatabase, type Database, type Db } from "@vfleet/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../lib/client/bootstrap-admin.ts";
import { createControlPlane, type ControlPlane } from "../server/create-control-plane.ts";

/**
 * `pnpm vfleet create-admin`, run for real as a separate process: the first admin while no user
 * exists, refused afterwards unless forced, input limits named; it joins the embedded PostgreSQL
 * a running control plane holds (and leaves it running), or starts its own when none runs. The
 * admin then signs in on the real control plane.
 */
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const PNPM = process.env.npm_execpath?.endsWith(".cjs") ? process.env.npm_execpath : "pnpm";

const { DATABASE_URL: _, ...withoutDatabaseUrl } = process.env;

function vfleet(dataDir: string, args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const [cmd, pre] = PNPM.endsWith(".cjs") ? [process.execPath, [PNPM]] : [PNPM, []];
    const child = execFile(
      cmd,
      [...pre, "--silent", "vfleet", ...args],
      { cwd: ROOT, env: { ...withoutDatabaseUrl, VFLEET_DATA_DIR: dataDir } },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      },
    );
    child.stdin!.end(stdin ?? "");
  });
}

let dir: string;
let database: Database;
let db: Db;
let plane: ControlPlane;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vfleet-create-admin-"));
  database = await startDatabase({ dataDir: join(dir, "pg") });
  await applyMigrations(database.url);
  db = createDb(database.url);
  plane = await createControlPlane({ db, port: 0, authSecret: randomBytes(32).toString("base64url"), log: () => {} });
});

afterAll(async () => {
  await plane?.close();
  await db?.$disconnect();
  await database?.stop();
  await rm(dir, { recursive: true, force: true });
});

const meOf = async (cookie: string) =>
  (await (await fetch(`${plane.url}/api/v1/me`, { headers: { cookie } })).json()) as { identity: { name: string; role: string } };

describe("pnpm vfleet create-admin beside a running control plane", () => {
  it("creates the first admin with a generated password, who signs in; the control plane's database keeps running", async () => {
    const run = await vfleet(join(dir, "pg"), ["create-admin", "--username", "Root"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const password = /^password: (\S+)$/m.exec(run.stdout)?.[1];
    expect(password).toBeDefined();
    // Still the same server: the CLI joined it rather than taking it for an orphan and stopping it.
    expect(await db.user.count()).toBe(1);
    expect((await meOf(await signIn(plane.url, "root", password!))).identity).toMatchObject({ name: "root", role: "admin" });
  });

  it("refuses a second admin while a user exists, and --force adds one with a password from stdin", async () => {
    const again = await vfleet(join(dir, "pg"), ["create-admin", "--username", "other"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("an admin exists");
    expect(again.stderr).toContain("--force");
    expect(await db.user.count()).toBe(1);

    const forced = await vfleet(
      join(dir, "pg"),
      ["create-admin", "--username", "rescue", "--password-stdin", "--force"],
      "correct horse battery staple\n",
    );
    expect(forced.code).toBe(0);
    expect(forced.stdout).not.toContain("password:");
    expect((await meOf(await signIn(plane.url, "rescue", "correct horse battery staple"))).identity).toMatchObject({
      name: "rescue",
      role: "admin",
    });
  });

  it("names the field and its limit on bad input, and creates nothing", async () => {
    const short = await vfleet(join(dir, "pg"), ["create-admin", "--username", "shorty", "--password-stdin", "--force"], "short\n");
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/create-admin: password: .*\d/);
    const usage = await vfleet(join(dir, "pg"), ["create-admin"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--username");
    expect(await db.user.count()).toBe(2);
  });
});

describe("pnpm vfleet create-admin with no control plane running", () => {
  it("starts the embedded database itself, creates the admin, stops it; a second run is refused", async () => {
    const fresh = join(dir, "fresh-pg");
    const first = await vfleet(fresh, ["create-admin", "--username", "first"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("admin first created");
    const second = await vfleet(fresh, ["create-admin", "--username", "second"]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("an admin exists");
  }, 120_000);
});
