import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations, createDb, startDatabase, type Db } from "@vfleet/db";
import { createControlPlane, type ControlPlane, type ControlPlaneOptions } from "../server/create-control-plane.ts";

export interface LogLine { level: string; message: string; fields?: Record<string, unknown> }

export interface TestStack {
  db: Db;
  plane: ControlPlane;
  /** `ws://.../agent` */
  agentUrl: string;
  logs: LogLine[];
  stop(): Promise<void>;
}

/** Real embedded PostgreSQL in a temp dir, migrations applied, control plane on a free port. */
export async function startTestStack(options: Partial<Omit<ControlPlaneOptions, "db" | "port" | "log">> = {}): Promise<TestStack> {
  const dataDir = await mkdtemp(join(tmpdir(), "vfleet-web-test-"));
  const database = await startDatabase({ dataDir: join(dataDir, "pg") });
  await applyMigrations(database.url);
  const db = createDb(database.url);
  const logs: LogLine[] = [];
  const plane = await createControlPlane({ db, port: 0, log: (level, message, fields) => logs.push({ level, message, fields }), ...options });
  return {
    db, plane, logs,
    agentUrl: plane.url.replace(/^http/, "ws") + "/agent",
    async stop() {
      await plane.close();
      await db.$disconnect();
      await database.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Enroll a host through the REST API, as an agent would. */
export async function enrollHost(baseUrl: string, hostName: string, hostname = hostName): Promise<{ hostId: string; hostName: string; credential: string }> {
  const tokenRes = await fetch(`${baseUrl}/api/v1/enrollment-tokens`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ hostName }),
  });
  if (tokenRes.status !== 201) throw new Error(`token creation failed: ${tokenRes.status} ${await tokenRes.text()}`);
  const { token } = (await tokenRes.json()) as { token: string };
  const res = await fetch(`${baseUrl}/api/v1/enroll`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, hostname }),
  });
  if (res.status !== 201) throw new Error(`enrollment failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { hostId: string; hostName: string; credential: string };
}
