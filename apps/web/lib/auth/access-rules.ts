import type { Role } from "./roles.ts";

/** `public`: no identity needed (the sign-in page, agents enrolling with their one-time token). */
export type Access = Role | "public";
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * THE access table: every page and route under app/ (in Next's folder syntax) and the endpoints
 * the custom server owns, with the least role each method needs. Enforced by the custom server
 * before Next sees the request: 401 without identity, 403 with too small a role. A route with no
 * entry here is admin-only, and test/access-rules.int.test.ts fails until it gets one.
 * Pages are GET (HEAD and OPTIONS are checked as GET).
 */
export const ACCESS_RULES: Record<string, Partial<Record<Method, Access>>> = {
  // sign-in and first run
  "/glossary": { GET: "viewer" },
  "/login": { GET: "public" },
  "/setup": { GET: "public" },
  "/api/v1/setup": { POST: "public" },
  "/api/auth/sign-in/username": { POST: "public" },
  "/api/auth/sign-out": { POST: "public" },
  // pages
  "/": { GET: "viewer" },
  "/hosts/[hostId]": { GET: "viewer" },
  "/hosts/[hostId]/audit": { GET: "viewer" },
  "/hosts/[hostId]/jobs": { GET: "viewer" },
  "/audit": { GET: "viewer" },
  "/audit-log": { GET: "viewer" },
  "/jobs": { GET: "viewer" },
  "/jobs/[jobId]": { GET: "viewer" },
  "/admin": { GET: "admin" },
  // fleet and audit reads
  "/api/v1/events": { GET: "viewer" },
  "/api/v1/hosts": { GET: "viewer" },
  "/api/v1/hosts/[hostId]": { GET: "viewer", DELETE: "admin" },
  "/api/v1/hosts/[hostId]/jobs": { GET: "viewer" },
  "/api/v1/hosts/[hostId]/revoke": { POST: "admin" },
  "/api/v1/audit/fleet": { GET: "viewer" },
  "/api/v1/audit/hosts/[hostId]": { GET: "viewer", POST: "viewer" },
  "/api/v1/audit-log": { GET: "viewer" },
  "/api/v1/capacity-history": { GET: "viewer" },
  "/capacity": { GET: "viewer" },
  "/hosts/[hostId]/capacity": { GET: "viewer" },
  // changing hosts
  "/api/v1/jobs": { POST: "operator" },
  "/api/v1/jobs/[jobId]": { GET: "viewer" },
  "/api/v1/jobs/[jobId]/cancel": { POST: "operator" },
  "/api/v1/jobs/[jobId]/abandon": { POST: "operator" },
  "/api/v1/plans": { POST: "operator" },
  "/api/v1/plans/[planId]": { GET: "viewer" },
  // scheduling: pools, placements, assignments
  "/pools": { GET: "viewer" },
  "/pools/[name]": { GET: "viewer" },
  "/placements": { GET: "viewer" },
  "/plans/[planId]": { GET: "viewer" },
  "/assignments": { GET: "viewer" },
  "/api/v1/pools": { GET: "viewer", POST: "operator" },
  "/api/v1/pools/preview": { POST: "viewer" },
  "/api/v1/pools/[name]": { GET: "viewer", PUT: "operator", DELETE: "operator" },
  "/api/v1/pools/[name]/capacity": { GET: "viewer" },
  "/api/v1/placements": { POST: "operator" },
  "/api/v1/placements/what-if": { POST: "viewer" },
  "/api/v1/assignments": { GET: "viewer" },
  "/api/v1/assignments/history": { GET: "viewer" },
  "/api/v1/assignments/release": { POST: "operator" },
  "/api/v1/assignments/adopt": { POST: "operator" },
  "/api/v1/hosts/[hostId]/labels": { GET: "viewer", PUT: "operator" },
  "/api/v1/hosts/[hostId]/maintenance": { GET: "viewer", PUT: "operator" },
  "/api/v1/maintenance": { PUT: "operator" },
  "/api/v1/hosts/[hostId]/devices/[address]/quarantine": { PUT: "operator" },
  // installing agents over SSH (the custom server serves the API): root on every hypervisor
  "/install": { GET: "admin" },
  "/api/v1/ssh-key": { GET: "admin" },
  "/api/v1/ssh-targets": { GET: "admin" },
  "/api/v1/ssh-targets/probe": { POST: "admin" },
  "/api/v1/host-installs": { POST: "admin" },
  "/api/v1/host-installs/[installId]": { GET: "admin" },
  // agents
  "/api/v1/enrollment-tokens": { POST: "admin" },
  "/api/v1/enroll": { POST: "public" },
  // identity
  "/api/v1/me": { GET: "viewer" },
  "/api/v1/users": { GET: "admin", POST: "admin" },
  "/api/v1/users/[userId]": { PATCH: "admin", DELETE: "admin" },
  "/api/v1/users/[userId]/sessions": { DELETE: "admin" },
  "/api/v1/tokens": { GET: "admin", POST: "admin" },
  "/api/v1/tokens/[tokenId]": { DELETE: "admin" },
  // the API's own description (no fleet data in it)
  "/api/v1/openapi.json": { GET: "public" },
  "/api-docs": { GET: "public" },
};

/**
 * Static files that carry no fleet data, served to anyone (the sign-in page needs them). Only
 * Next's build output under `/_next/static/`, never all of `/_next/`, and exact file names:
 * a prefix that also matched routes was how `/_next/../api/v1/tokens` passed as an asset.
 */
const PUBLIC_PREFIXES = ["/_next/static/"];
const PUBLIC_FILES = new Set(["/favicon.ico", "/icon.svg"]);

type CompiledRule = { route: string; pattern: RegExp; dynamic: number; methods: Partial<Record<Method, Access>> };

function compile(route: string, methods: Partial<Record<Method, Access>>): CompiledRule {
  const segments = route.split("/").filter(Boolean);
  const source = segments.map((s) => (s.startsWith("[...") ? ".+" : s.startsWith("[") ? "[^/]+" : s.replace(/[.*+?^${}()|\\]/g, "\\$&")));
  // Static segments beat dynamic ones, as in Next's own routing (`/jobs/new` before `/jobs/[jobId]`).
  return { route, pattern: new RegExp(`^/${source.join("/")}$`), dynamic: segments.filter((s) => s.startsWith("[")).length, methods };
}

const COMPILED = Object.entries(ACCESS_RULES)
  .map(([route, methods]) => compile(route, methods))
  .sort((a, b) => a.dynamic - b.dynamic);

/** A static file anyone may fetch (no fleet data in it). */
export function isPublicAsset(path: string): boolean {
  return PUBLIC_FILES.has(path) || PUBLIC_PREFIXES.some((p) => path.startsWith(p));
}

export type AccessDecision = { route: string | null; access: Access };

/** The access a request needs (pure). No rule, or a method the rule does not list: admin only. */
export function accessFor(method: string, path: string): AccessDecision {
  if (isPublicAsset(path)) return { route: null, access: "public" };
  const normalized = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const m = (["HEAD", "OPTIONS"].includes(method.toUpperCase()) ? "GET" : method.toUpperCase()) as Method;
  const rule = COMPILED.find((r) => r.pattern.test(normalized));
  if (!rule) return { route: null, access: "admin" };
  return { route: rule.route, access: rule.methods[m] ?? "admin" };
}
