import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCESS_RULES, type Access, type Method } from "../lib/auth/access-rules.ts";
import { IDENTITY_HEADER } from "../lib/auth/identity.ts";
import { roleAllows, type Role } from "../lib/auth/roles.ts";
import { signIn } from "../lib/client/bootstrap-admin.ts";
import { findAppRoutes, type AppRoute } from "./find-app-routes.ts";
import { request as httpRequest } from "node:http";
import { bearer, createUser, enrollHost, startTestStack, TEST_PASSWORD, type TestStack } from "./start-test-stack.ts";

/**
 * The role matrix, in the style of Kubernetes' node-authorizer tests: every page and route under
 * app/ (found on disk, so a new route without a rule fails here) x every caller, with the
 * status each must get. Callers mix both ways in: sessions (browser sign-in) and API tokens. The corpus
 * tests send hundreds of requests each: their time limit is minutes, for a loaded 2-core machine.
 */

/** Served by the custom server itself, not by a file under app/. */
const SERVER_ROUTES = [
  "/api/v1/events",
  "/api/auth/sign-in/username",
  "/api/auth/sign-out",
  // the SSH installer's API (server/host-install/serve-host-installs.ts)
  "/api/v1/ssh-key",
  "/api/v1/ssh-targets",
  "/api/v1/ssh-targets/probe",
  "/api/v1/host-installs",
  "/api/v1/host-installs/[installId]",
];

type Caller =
  | "anonymous"
  | "viewer session"
  | "operator token"
  | "admin token"
  | "revoked token"
  | "expired token"
  | "expired session"
  | "host credential";
const CALLERS: Caller[] = [
  "anonymous",
  "viewer session",
  "operator token",
  "admin token",
  "revoked token",
  "expired token",
  "expired session",
  "host credential",
];
const ROLE_OF: Partial<Record<Caller, Role>> = { "viewer session": "viewer", "operator token": "operator", "admin token": "admin" };

/** What a caller must get: the exact refusal, or "allowed" (anything but 401/403/303-to-login). */
function expected(caller: Caller, access: Access, kind: "page" | "api"): number | "allowed" {
  // A dead token is told so, even on public routes; an agent's credential is no API token.
  if (caller === "revoked token" || caller === "expired token" || caller === "host credential") return 401;
  const role = ROLE_OF[caller];
  if (access === "public") return "allowed";
  if (!role) return kind === "page" ? 303 : 401;
  return roleAllows(role, access) ? "allowed" : 403;
}

let stack: TestStack;
let routes: AppRoute[];
const auth = {} as Record<Caller, Record<string, string>>;

beforeAll(async () => {
  routes = await findAppRoutes();
  stack = await startTestStack();
  const url = stack.plane.url;
  await createUser(stack.admin, "vera", "viewer");
  await createUser(stack.admin, "exp", "operator");
  const revoked = await fetch(`${url}/api/v1/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(stack.tokens.admin) },
    body: JSON.stringify({ name: "soon-revoked", role: "admin" }),
  });
  const { token, apiToken } = (await revoked.json()) as { token: string; apiToken: { id: string } };
  expect((await fetch(`${url}/api/v1/tokens/${apiToken.id}`, { method: "DELETE", headers: bearer(stack.tokens.admin) })).status).toBe(200);
  auth.anonymous = {};
  auth["viewer session"] = { cookie: await signIn(url, "vera", TEST_PASSWORD) };
  auth["operator token"] = bearer(stack.tokens.operator);
  auth["admin token"] = bearer(stack.tokens.admin);
  auth["revoked token"] = bearer(token);
  auth["expired session"] = { cookie: await signIn(url, "exp", TEST_PASSWORD) };
  const expiring = await fetch(`${url}/api/v1/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(stack.tokens.admin) },
    body: JSON.stringify({ name: "soon-expired", role: "admin" }),
  });
  const expired = (await expiring.json()) as { token: string; apiToken: { id: string } };
  await stack.db.apiToken.update({ where: { id: expired.apiToken.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  auth["expired token"] = bearer(expired.token);
  auth["host credential"] = bearer((await enrollHost(stack.admin, "matrix-host")).credential);
  const user = await stack.db.user.findUniqueOrThrow({ where: { username: "exp" } });
  await stack.db.session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
});
afterAll(async () => {
  await stack?.stop();
});

/** Every route the matrix covers: pages and handlers found on disk, and the custom server's own. */
function allRoutes(): AppRoute[] {
  return [
    ...routes,
    ...SERVER_ROUTES.map((route) => ({ route, methods: Object.keys(ACCESS_RULES[route]!) as Method[], kind: "api" as const })),
  ];
}

/**
 * The other spellings of a path an attacker tries: each reaches the same route after some
 * normalisation, or walks from a public prefix to it. All are refused before anything else.
 */
function spellings(path: string): string[] {
  const rest = path === "/" ? "" : path;
  const lastSlash = path.lastIndexOf("/");
  return [
    `/_next/..${rest || "/"}`,
    `/_next/static/..${rest || "/"}`,
    `/%2e%2e${rest || "/"}`,
    `/_next/%2E%2E${rest || "/"}`,
    `/${rest || "/"}`, // a double slash
    `/.${rest || "/"}`,
    ...(lastSlash > 0 ? [`${path.slice(0, lastSlash)}%2F${path.slice(lastSlash + 1)}`] : []),
    `/_next/%252e%252e${rest || "/"}`,
    `/_next\\..${rest || "/"}`,
    `/favicon.ico/..${rest || "/"}`,
    `/icon.svg/..${rest || "/"}`,
    ...(path.startsWith("/api/v1/") ? [`/api/v1/../v1/${path.slice("/api/v1/".length)}`] : []),
    `${path};param`,
  ];
}

/** Row counts of every table a request could write: a refusal must leave them all as they were. */
async function rowCounts(): Promise<Record<string, number>> {
  const db = stack.db;
  return {
    auditEvents: await db.auditEvent.count(),
    jobs: await db.job.count(),
    plans: await db.plan.count(),
    pools: await db.pool.count(),
    hosts: await db.host.count(),
    users: await db.user.count(),
    sessions: await db.session.count(),
    apiTokens: await db.apiToken.count(),
    enrollmentTokens: await db.enrollmentToken.count(),
    idempotencyKeys: await db.idempotencyKey.count(),
  };
}

/** A request whose path goes on the wire byte for byte (fetch would normalise `..` and `\\` first). */
function rawCall(method: Method, path: string, headers: Record<string, string>): Promise<number> {
  const url = new URL(stack.plane.url);
  return new Promise((resolve, reject) => {
    const body = method === "GET" ? undefined : "{}";
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...headers, ...(body ? { "content-type": "application/json", "content-length": String(body.length) } : {}) },
      },
      (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy(); // the SSE stream never ends
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function call(method: Method, path: string, headers: Record<string, string>, json: unknown = {}): Promise<number> {
  const controller = new AbortController();
  const res = await fetch(`${stack.plane.url}${path}`, {
    method,
    redirect: "manual",
    signal: controller.signal,
    headers: { ...headers, ...(method === "GET" ? {} : { "content-type": "application/json" }) },
    ...(method === "GET" ? {} : { body: JSON.stringify(json) }),
  });
  controller.abort(); // the SSE stream never ends
  return res.status;
}

describe("role matrix", () => {
  it("has a rule for every page and route method under app/, and no rule for a route that is gone", () => {
    const missing = routes.flatMap((r) => r.methods.filter((m) => !ACCESS_RULES[r.route]?.[m]).map((m) => `${m} ${r.route}`));
    expect(missing, "add these to lib/auth/access-rules.ts").toEqual([]);
    const known = new Set([...routes.map((r) => r.route), ...SERVER_ROUTES]);
    expect(
      Object.keys(ACCESS_RULES).filter((r) => !known.has(r)),
      "rules for routes that do not exist",
    ).toEqual([]);
    expect(routes.length).toBeGreaterThan(25);
  });

  it("answers every route x caller as the table says", async () => {
    const rows: string[] = [];
    const wrong: string[] = [];
    const all = allRoutes();
    for (const r of all) {
      const path = r.route.replace(/\[[^\]]+\]/g, "no-such-id");
      for (const method of r.methods) {
        const access = ACCESS_RULES[r.route]![method]!;
        const cells: string[] = [];
        for (const caller of CALLERS) {
          // Signing in and out are the anonymous caller's acts; the matrix would sign the sessions out.
          if (r.route.startsWith("/api/auth/") && caller !== "anonymous") continue;
          const status = await call(method, path, auth[caller]);
          const want = expected(caller, access, r.kind);
          const ok = want === "allowed" ? ![401, 403].includes(status) && !(status === 303 && r.kind === "page") : status === want;
          cells.push(`${caller}=${status}`);
          if (!ok) wrong.push(`${method} ${r.route} as ${caller}: got ${status}, want ${want}`);
        }
        rows.push(`${method.padEnd(6)} ${r.route.padEnd(36)} ${access.padEnd(8)} ${cells.join(" ")}`);
      }
    }
    console.log(rows.join("\n"));
    expect(wrong).toEqual([]);
  }, 300_000);

  it("writes nothing on any refusal", async () => {
    const before = await rowCounts();
    const refusals: string[] = [];
    for (const r of allRoutes()) {
      const path = r.route.replace(/\[[^\]]+\]/g, "no-such-id");
      for (const method of r.methods.filter((m) => m !== "GET")) {
        const access = ACCESS_RULES[r.route]![method]!;
        for (const caller of CALLERS) {
          if (r.route.startsWith("/api/auth/") && caller !== "anonymous") continue; // as in the matrix above
          const want = expected(caller, access, r.kind);
          if (want === "allowed") continue;
          const status = await call(method, path, auth[caller], { hostName: "mallory", name: "mallory", role: "admin" });
          refusals.push(`${method} ${r.route} as ${caller}: ${status}`);
        }
      }
    }
    expect(refusals.length).toBeGreaterThan(100);
    expect(await rowCounts(), refusals.join("\n")).toEqual(before);
  }, 300_000);

  it("refuses every other spelling of every path with 400 before identity, and writes nothing", async () => {
    const before = await rowCounts();
    const wrong: string[] = [];
    let checked = 0;
    for (const r of allRoutes()) {
      const path = r.route.replace(/\[[^\]]+\]/g, "no-such-id");
      for (const spelled of spellings(path)) {
        for (const method of r.methods) {
          for (const caller of ["anonymous", "admin token"] as const) {
            const status = await rawCall(method, spelled, auth[caller]);
            checked++;
            if (status !== 400) wrong.push(`${method} ${spelled} as ${caller}: got ${status}, want 400`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(wrong).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  }, 300_000);

  it("decides a trailing slash as the plain path", async () => {
    for (const [path, status] of [
      ["/api/v1/tokens/", 401],
      ["/admin/", 303],
    ] as const)
      expect(await rawCall("GET", path, {}), path).toBe(status);
    expect(await rawCall("GET", "/api/v1/tokens/", auth["viewer session"])).toBe(403);
  });

  it("serves static files to anyone and nothing else under their names", async () => {
    expect(await rawCall("GET", "/icon.svg", {})).toBe(200);
    // Not a file: a page path like any other, so the sign-in page (303) instead of an answer.
    expect(await rawCall("GET", "/_next/no-such-thing", {})).toBe(303);
    expect(await rawCall("GET", "/favicon.ico/anything", {})).toBe(303);
  });

  it("ignores an identity header sent by the client", async () => {
    const forged = JSON.stringify({ kind: "user", id: "x", name: "mallory", role: "admin" });
    expect(await call("GET", "/api/v1/tokens", { [IDENTITY_HEADER]: forged })).toBe(401);
    expect(await call("GET", "/api/v1/tokens", { [IDENTITY_HEADER]: forged, ...auth["viewer session"] })).toBe(403);
  });

  it("refuses a cookie-authenticated write from another site, and takes the same write from this one", async () => {
    const viewer = { cookie: await signIn(stack.plane.url, "vera", TEST_PASSWORD) };
    const post = (headers: Record<string, string>) =>
      fetch(`${stack.plane.url}/api/v1/audit/hosts/no-such-id`, {
        method: "POST",
        headers: { "content-type": "application/json", ...viewer, ...headers },
        body: "{}",
      });
    const cross = await post({ origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { error: string }).error).toContain("cross-site");
    expect((await post({ origin: "https://evil.example" })).status).toBe(403);
    // Past the check, the route itself answers (400: the body has no domainXml).
    expect((await post({ origin: stack.plane.url, "sec-fetch-site": "same-origin" })).status).toBe(400);
  });

  it("sends the security headers on pages and API answers", async () => {
    for (const path of ["/login", "/api/v1/hosts"]) {
      const res = await fetch(`${stack.plane.url}${path}`, { redirect: "manual" });
      expect(res.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
  });
});
