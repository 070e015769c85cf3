import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations, createApiToken, createDb, listHosts, startDatabase } from "@vfleet/db";
import { createAuth } from "../../apps/web/server/auth/create-auth.ts";
import { createUser } from "../../apps/web/server/auth/create-user.ts";
import { resolveIdentity } from "../../apps/web/server/auth/resolve-identity.ts";
import { fmt, measure, row } from "./measure.ts";

const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

/**
 * What identity costs on every request (an API token's indexed lookup, better-auth's session read)
 * against the cheapest real read the same request then makes (the host list of an empty fleet),
 * and what a password costs once per sign-in (scrypt, memory-hard on purpose).
 */
export async function benchIdentity(): Promise<void> {
  console.log("\nIdentity per request (embedded PostgreSQL)");
  const dir = await mkdtemp(join(tmpdir(), "vfleet-bench-auth-"));
  const database = await startDatabase({ dataDir: dir });
  const db = createDb(database.url);
  try {
    await applyMigrations(database.url);
    const auth = createAuth({ db, secret: "bench-secret-bench-secret-bench-secret", baseUrl: "http://127.0.0.1" });
    await createUser(db, { username: "bench", password: "bench password", role: "operator" });
    const signedIn = await auth.api.signInUsername({ body: { username: "bench", password: "bench password" }, asResponse: true });
    const cookie = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const created = await createApiToken(db, { name: "bench", role: "viewer", createdBy: "bench" });
    if (!created.ok) throw new Error("token creation failed");
    const token = await measure(() => resolveIdentity(request({ authorization: `Bearer ${created.token}` }), { db, auth }), {
      runs: 101,
      warmup: 10,
    });
    const session = await measure(() => resolveIdentity(request({ cookie }), { db, auth }), { runs: 101, warmup: 10 });
    const hosts = await measure(() => listHosts(db), { runs: 101, warmup: 10 });
    const { password } = await auth.$context;
    const scrypt = await measure(() => password.hash("bench password"), { runs: 9, warmup: 1 });
    row("API token (sha256 + one indexed row)", fmt(token.median));
    row("session cookie (better-auth: session + user rows)", fmt(session.median));
    row("peer: GET /api/v1/hosts query, empty fleet", fmt(hosts.median));
    row(
      "ratio token / peer, session / peer",
      `${(token.median / hosts.median).toFixed(1)}x, ${(session.median / hosts.median).toFixed(1)}x`,
    );
    row("password hash at sign-in (scrypt)", fmt(scrypt.median), "once per sign-in, not per request");
  } finally {
    await db.$disconnect();
    await database.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
