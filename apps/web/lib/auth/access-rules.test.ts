import { describe, expect, it } from "vitest";
import { ACCESS_RULES, accessFor } from "./access-rules.ts";

describe("accessFor", () => {
  it("matches dynamic segments, prefers static ones, and treats HEAD as GET", () => {
    expect(accessFor("GET", "/hosts/abc/jobs")).toEqual({ route: "/hosts/[hostId]/jobs", access: "viewer" });
    expect(accessFor("HEAD", "/api/v1/jobs/123")).toEqual({ route: "/api/v1/jobs/[jobId]", access: "viewer" });
    expect(accessFor("POST", "/api/v1/jobs/123/cancel")).toEqual({ route: "/api/v1/jobs/[jobId]/cancel", access: "operator" });
    expect(accessFor("GET", "/api/v1/hosts/")).toEqual({ route: "/api/v1/hosts", access: "viewer" });
  });

  it("makes a path or method without a rule admin-only", () => {
    expect(accessFor("GET", "/no/such/page").access).toBe("admin");
    expect(accessFor("DELETE", "/api/v1/jobs").access).toBe("admin");
    expect(accessFor("PUT", "/api/v1/hosts/abc").access).toBe("admin");
  });

  it("serves Next's static assets to anyone", () => {
    expect(accessFor("GET", "/_next/static/chunks/main.js").access).toBe("public");
  });
});

describe("the policy the table must express", () => {
  const rules = Object.entries(ACCESS_RULES).flatMap(([route, methods]) =>
    Object.entries(methods).map(([method, access]) => ({ route, method, access })),
  );

  it("users, tokens, enrollment and agent credentials are admin-only", () => {
    const admin = rules.filter((r) => /^\/api\/v1\/(users|tokens|enrollment-tokens)|\/revoke$|^\/admin/.test(r.route));
    expect(admin.length).toBeGreaterThanOrEqual(6);
    for (const r of admin) expect(r.access, `${r.method} ${r.route}`).toBe("admin");
  });

  it("only sign-in, first run, enrollment and the API description are public", () => {
    const publicOnes = rules.filter((r) => r.access === "public").map((r) => `${r.method} ${r.route}`);
    expect(publicOnes.sort()).toEqual([
      "GET /api-docs",
      "GET /api/v1/openapi.json",
      "GET /login",
      "GET /setup",
      "POST /api/auth/sign-in/username",
      "POST /api/auth/sign-out",
      "POST /api/v1/enroll",
      "POST /api/v1/setup",
    ]);
  });

  it("a viewer changes nothing: every POST/DELETE that is not public or a read-only computation needs operator or admin", () => {
    const readOnlyPosts = new Set([
      "/api/v1/audit/hosts/[hostId]", // audits a pasted guest XML; stores nothing
      "/api/v1/pools/preview", // what a selector would match; stores nothing
      "/api/v1/placements/what-if", // what each host could take; reserves nothing
    ]);
    for (const r of rules) {
      if (r.method === "GET" || r.access === "public" || readOnlyPosts.has(r.route)) continue;
      expect(["operator", "admin"], `${r.method} ${r.route}`).toContain(r.access);
    }
  });
});
