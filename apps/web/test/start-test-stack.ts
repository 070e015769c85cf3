import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { applyMigrations, createApiToken, createDb, startDatabase, type Db } from "@vfleet/db";
import type { Role } from "../lib/auth/roles.ts";
import { createControlPlane, type ControlPlane, type ControlPlaneOptions } from "../server/create-control-plane.ts";

interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

export interface TestStack {
  db: Db;
  plane: ControlPlane;
  /** `ws://.../agent` */
  agentUrl: string;
  logs: LogLine[];
  /** Live API tokens named after their role (`admin`, `alice` the operator, `viewer`). */
  tokens: Record<Role, string>;
  /** What enrollHost and apiClient need to act as the admin. */
  admin: ApiTarget;
  stop(): Promise<void>;
}

/** A control plane and a bearer token to call it with. */
export interface ApiTarget {
  url: string;
  token: string;
}

/** The stack's tokens: one per role. The operator is "alice", so the audit log reads `token:alice`. */
const TOKEN_NAMES: Record<Role, string> = { admin: "admin", operator: "alice", viewer: "viewer" };

/** One API token per role, created as `POST /api/v1/tokens` does (the db operation behind it). */
export async function createRoleTokens(db: Db): Promise<Record<Role, string>> {
  const tokens = {} as Record<Role, string>;
  for (const role of ["admin", "operator", "viewer"] as const) {
    const created = await createApiToken(db, { name: TOKEN_NAMES[role], role, createdBy: "test-stack" });
    if (!created.ok) throw new Error(`token ${TOKEN_NAMES[role]}: ${created.error}`);
    tokens[role] = created.token;
  }
  return tokens;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Real embedded PostgreSQL in a temp dir, migrations applied, control plane on a free port. */
export async function startTestStack(options: Partial<Omit<ControlPlaneOptions, "db" | "port" | "log">> = {}): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), "vfleet-web-test-"));
  const database = await startDatabase({ dataDir: join(dataDir, "pg") });
  await applyMigrations(database.url);
  const db = createDb(database.url);
  const logs: LogLine[] = [];
  const plane = await createControlPlane({
    db,
    port: 0,
    authSecret: randomBytes(32).toString("base64url"),
    log: (level, message, fields) => logs.push({ level, message, fields }),
    ...options,
  });
  const tokens = await createRoleTokens(db);
  return {
    db,
    plane,
    logs,
    tokens,
    admin: { url: plane.url, token: tokens.admin },
    agentUrl: plane.url.replace(/^http/, "ws") + "/agent",
    async stop() {
      await plane.close();
      await db.$disconnect();
      await database.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Enroll a host through the REST API: an admin creates the enrollment token, the agent redeems it. */
export async function enrollHost(
  admin: ApiTarget,
  hostName: string,
  hostname = hostName,
): Promise<{ hostId: string; hostName: string; credential: string }> {
  const baseUrl = admin.url;
  const tokenRes = await fetch(`${baseUrl}/api/v1/enrollment-tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(admin.token) },
    body: JSON.stringify({ hostName }),
  });
  if (tokenRes.status !== 201) throw new Error(`token creation failed: ${tokenRes.status} ${await tokenRes.text()}`);
  const { token } = (await tokenRes.json()) as { token: string };
  const res = await fetch(`${baseUrl}/api/v1/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, hostname }),
  });
  if (res.status !== 201) throw new Error(`enrollment failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { hostId: string; hostName: string; credential: string };
}

export const TEST_PASSWORD = "correct horse battery";

/** A user who signs in with a password, created by the admin through `POST /api/v1/users`. */
export async function createUser(admin: ApiTarget, username: string, role: Role, password = TEST_PASSWORD): Promise<void> {
  const res = await fetch(`${admin.url}/api/v1/users`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(admin.token) },
    body: JSON.stringify({ username, password, role }),
  });
  if (res.status !== 201) throw new Error(`creating user ${username} failed: ${res.status} ${await res.text()}`);
}
