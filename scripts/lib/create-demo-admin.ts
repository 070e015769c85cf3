/**
 * The demo's admin: created through the first-run API on a fresh database, its password kept in
 * `.vfleet/demo-admin.json` (mode 0600) for later runs, plus an admin API token for scripts.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createApiToken, setupFirstAdmin, signIn } from "../../apps/web/lib/client/bootstrap-admin.ts";

export interface DemoAdmin {
  username: string;
  password: string;
  token: string;
}

const USERNAME = "admin";

async function readKept(file: string): Promise<DemoAdmin | null> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as DemoAdmin;
  } catch {
    return null;
  }
}

async function tokenWorks(url: string, token: string): Promise<boolean> {
  return (await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).ok;
}

export async function createDemoAdmin(url: string, stateDir: string): Promise<DemoAdmin> {
  const file = join(stateDir, "demo-admin.json");
  const kept = await readKept(file);
  const password = kept?.password ?? randomBytes(12).toString("base64url");
  const created = await setupFirstAdmin(url, USERNAME, password);
  if (!created && !kept) {
    throw new Error(
      `this database already has users but ${file} is missing: sign in as an existing admin, or rm -rf .vfleet to start afresh`,
    );
  }
  if (!created && kept && (await tokenWorks(url, kept.token))) return kept;
  const cookie = await signIn(url, USERNAME, password);
  const token = await createApiToken(url, { cookie }, { name: `demo-${new Date().toISOString().replace(/[:.]/g, "-")}`, role: "admin" });
  const admin = { username: USERNAME, password, token };
  await writeFile(file, JSON.stringify(admin, null, 2), { mode: 0o600 });
  return admin;
}

/** How to sign in, and the token on a line of its own for `eval`/grep in scripts. */
export function printDemoAdmin(admin: DemoAdmin, url: string, log: (line: string) => void): void {
  log(`  sign in:    ${url}/login as ${admin.username} / ${admin.password}`);
  process.stdout.write(`VFLEET_TOKEN=${admin.token}\n`);
}
