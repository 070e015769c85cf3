import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, createDb, findFreePort, IDEMPOTENCY_LEASE_MS, startDatabase, type Database, type Db } from "@vfleet/db";
import type { Role } from "../lib/auth/roles.ts";
import { createControlPlane, type ControlPlane } from "../server/create-control-plane.ts";
import { waitFor } from "./jobs-helpers.ts";
import { bearer, createRoleTokens } from "./start-test-stack.ts";

/**
 * PostgreSQL down: the real embedded server is stopped under a running control plane.
 * Every answer that needs it is a 503 naming the cause with Retry-After (API as JSON, pages as a
 * page), never a bodiless 500; once it is back (same data, same port) the same requests are served
 * again, and a write retried with its Idempotency-Key happens exactly once.
 */
let dataDir: string;
let port: number;
let database: Database;
let db: Db;
let plane: ControlPlane;
let tokens: Record<Role, string>;

const startPg = () => startDatabase({ dataDir: join(dataDir, "pg"), port });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "vfleet-outage-test-"));
  port = await findFreePort();
  database = await startPg();
  await applyMigrations(database.url);
  db = createDb(database.url);
  plane = await createControlPlane({ db, port: 0, authSecret: randomBytes(32).toString("base64url"), log: () => {} });
  tokens = await createRoleTokens(db);
});
afterAll(async () => {
  await plane?.close();
  await db?.$disconnect();
  await database?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const api = (path: string, init: { method?: string; body?: unknown; key?: string; token?: string; accept?: string } = {}) =>
  fetch(`${plane.url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...bearer(init.token ?? tokens.operator),
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...(init.key ? { "idempotency-key": init.key } : {}),
      ...(init.accept ? { accept: init.accept } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

const pool = (name: string) => ({ name, selector: { vendorId: "15b3" } });

async function waitServed(path: string): Promise<Response> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await api(path);
    if (res.status !== 503 || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("PostgreSQL stopped and restarted under a running control plane", () => {
  it("answers 503 with the cause and Retry-After, then serves again; a write retried with its key happens once", async () => {
    expect((await api("/api/v1/hosts")).status).toBe(200);
    const key = randomUUID();
    await database.stop();

    const hosts = await api("/api/v1/hosts");
    expect(hosts.status).toBe(503);
    expect(hosts.headers.get("retry-after")).toBe("5");
    const body = (await hosts.json()) as { error: string; cause: string };
    expect(body.cause).toBe("database-unavailable");
    expect(body.error).toMatch(
      /^the database \(PostgreSQL\) is unreachable: DatabaseNotReachable: Can't reach database server at 127\.0\.0\.1:\d+\. Nothing was changed; retry in 5 s$/,
    );

    // A page (an API token is accepted on pages too): a page that says so, not Next's 500.
    const page = await api("/", { accept: "text/html" });
    expect(page.status).toBe(503);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toContain('data-testid="database-unavailable"');

    // A public route (no identity lookup before the handler) too.
    const enroll = await fetch(`${plane.url}/api/v1/enroll`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: "vfe_x", hostname: "h" }),
    });
    expect(enroll.status).toBe(503);

    // The write fails cleanly while the database is away...
    const during = await api("/api/v1/pools", { body: pool("outage-pool"), key });
    expect(during.status).toBe(503);

    database = await startPg();
    expect((await waitServed("/api/v1/hosts")).status).toBe(200);

    // ...and its retry with the same key runs once; a second retry replays the answer.
    const first = await api("/api/v1/pools", { body: pool("outage-pool"), key });
    expect(first.status).toBe(201);
    const again = await api("/api/v1/pools", { body: pool("outage-pool"), key });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(await first.json());
    // Without the key the same body is a new request: the name is taken.
    expect((await api("/api/v1/pools", { body: pool("outage-pool") })).status).toBe(409);
    const pools = (await (await api("/api/v1/pools")).json()) as { pools: { name: string }[] };
    expect(pools.pools.filter((p) => p.name === "outage-pool")).toHaveLength(1);
  });
});

describe("Idempotency-Key claims when PostgreSQL dies under the request", () => {
  /** A client that retries as told: on 503 and 409 it waits Retry-After and sends the same request again. */
  async function retryAsTold(body: unknown, key: string, forMs: number): Promise<Response> {
    const deadline = Date.now() + forMs;
    for (;;) {
      const res = await api("/api/v1/pools", { body, key });
      if ((res.status !== 503 && res.status !== 409) || Date.now() > deadline) return res;
      await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after") ?? "1") * 1000));
    }
  }

  it("three keys claimed at the instant PostgreSQL died are free for their retries once it is back: each request runs once", async () => {
    // Hold the pools table so the three requests claim their keys and then wait inside the handler.
    const holder = createDb(database.url, { txTimeoutMs: 600_000 });
    let releaseLock!: () => void;
    const held = holder
      .$transaction(async (tx) => {
        await tx.$executeRaw`LOCK TABLE "Pool" IN ACCESS EXCLUSIVE MODE`;
        await new Promise<void>((r) => (releaseLock = r));
      })
      .catch(() => {});
    await waitFor("the lock", async () =>
      (
        await db.$queryRaw<
          { n: number }[]
        >`SELECT count(*)::int AS n FROM pg_locks WHERE relation = '"Pool"'::regclass AND granted AND mode = 'AccessExclusiveLock'`
      )[0]!.n === 1
        ? true
        : undefined,
    );
    const keys = [randomUUID(), randomUUID(), randomUUID()];
    const bodies = keys.map((_, i) => pool(`crash-${i}`));
    const during = keys.map((key, i) => api("/api/v1/pools", { body: bodies[i], key }));
    await waitFor("three requests waiting inside their handlers", async () => {
      const [row] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`;
      return row!.n === 3 ? true : undefined;
    });
    expect(await db.idempotencyKey.count({ where: { status: null } })).toBe(3);

    await database.stop();
    releaseLock();
    await held;
    await holder.$disconnect();
    for (const res of await Promise.all(during)) expect(res.status).toBe(503);
    database = await startPg();
    expect((await waitServed("/api/v1/hosts")).status).toBe(200);

    // Within a lease (the old claims stayed "running" for 5 minutes): each retry runs its request once.
    const retried = await Promise.all(keys.map((key, i) => retryAsTold(bodies[i], key, IDEMPOTENCY_LEASE_MS)));
    const answers = await Promise.all(retried.map(async (r) => `${r.status} ${await r.clone().text()}`));
    expect(
      retried.map((r) => r.status),
      answers.join("\n"),
    ).toEqual([201, 201, 201]);
    const names = ((await (await api("/api/v1/pools")).json()) as { pools: { name: string }[] }).pools.map((p) => p.name);
    for (const b of bodies) expect(names.filter((n) => n === b.name)).toHaveLength(1);
    const replay = await api("/api/v1/pools", { body: bodies[0], key: keys[0] });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  }, 120_000);
});

describe("Idempotency-Key", () => {
  it("the same key with another body is a 422 naming the header, and changes nothing", async () => {
    const key = randomUUID();
    expect((await api("/api/v1/pools", { body: pool("key-a"), key })).status).toBe(201);
    const other = await api("/api/v1/pools", { body: pool("key-b"), key });
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({
      field: "Idempotency-Key",
      error: expect.stringMatching(/^Idempotency-Key: this key was used with a different request/),
    });
    const names = ((await (await api("/api/v1/pools")).json()) as { pools: { name: string }[] }).pools.map((p) => p.name);
    expect(names).not.toContain("key-b");
  });

  it("a malformed key is a 400 naming the header", async () => {
    const res = await api("/api/v1/pools", { body: pool("short-key"), key: "abc" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "Idempotency-Key" });
  });

  it("keys belong to their caller: another caller's same key runs its own request", async () => {
    const key = randomUUID();
    expect((await api("/api/v1/pools", { body: pool("caller-a"), key })).status).toBe(201);
    const admin = await api("/api/v1/pools", { body: pool("caller-b"), key, token: tokens.admin });
    expect(admin.status).toBe(201);
    expect(admin.headers.get("idempotent-replayed")).toBeNull();
  });

  it("an API token created with a key is replayed to the retry, and the database does not keep it readable", async () => {
    const key = randomUUID();
    const first = await api("/api/v1/tokens", { body: { name: "ci-bot", role: "viewer" }, key, token: tokens.admin });
    expect(first.status).toBe(201);
    const { token } = (await first.json()) as { token: string };
    const again = await api("/api/v1/tokens", { body: { name: "ci-bot", role: "viewer" }, key, token: tokens.admin });
    expect(((await again.json()) as { token: string }).token).toBe(token);
    expect(await db.apiToken.count({ where: { name: "ci-bot" } })).toBe(1);
    const rows = await db.idempotencyKey.findMany();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(Buffer.from(row.response ?? []).includes(token)).toBe(false);
      expect(row.id).not.toContain(key);
    }
  });

  it("an expired key is new again", async () => {
    const key = randomUUID();
    expect((await api("/api/v1/pools", { body: pool("expire-a"), key })).status).toBe(201);
    await db.idempotencyKey.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    const later = await api("/api/v1/pools", { body: pool("expire-b"), key });
    expect(later.status).toBe(201);
    expect(later.headers.get("idempotent-replayed")).toBeNull();
  });

  it("two requests with one new key at once: one runs, the other replays it or is told to retry", async () => {
    const key = randomUUID();
    const answers = await Promise.all([1, 2, 3].map(() => api("/api/v1/pools", { body: pool("concurrent"), key })));
    for (const a of answers) {
      if (a.status === 409) expect(a.headers.get("retry-after")).toBe("1");
      else expect(a.status).toBe(201);
    }
    expect(answers.filter((a) => a.status === 201 && a.headers.get("idempotent-replayed") === null)).toHaveLength(1);
    const names = ((await (await api("/api/v1/pools")).json()) as { pools: { name: string }[] }).pools.map((p) => p.name);
    expect(names.filter((n) => n === "concurrent")).toHaveLength(1);
  });
});
