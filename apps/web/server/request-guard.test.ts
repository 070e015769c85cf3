import { describe, expect, it } from "vitest";
import { bodyLimitFor, refuseRequest, unusualPathSpelling } from "./request-guard.ts";

const req = (host: string, method = "GET", url = "/", type?: string) => ({
  method,
  url,
  headers: { host, ...(type ? { "content-type": type } : {}) },
});

describe("refuseRequest", () => {
  it("on loopback, serves loopback Host names and refuses a rebound DNS name", () => {
    for (const host of ["127.0.0.1:3000", "localhost:3000", "[::1]:3000", "LOCALHOST"])
      expect(refuseRequest(req(host), "127.0.0.1"), host).toBeNull();
    expect(refuseRequest(req("evil.example:3000"), "127.0.0.1")).toMatchObject({ status: 421 });
    expect(refuseRequest(req(""), "127.0.0.1")).toMatchObject({ status: 421 });
  });
  it("listening on a real interface, leaves Host names to the operator's network", () => {
    expect(refuseRequest(req("vfleet.mgmt.example"), "0.0.0.0")).toBeNull();
  });
  it("refuses state-changing API calls that are not JSON (cross-site forms)", () => {
    expect(refuseRequest(req("localhost", "POST", "/api/v1/jobs", "text/plain"), "127.0.0.1")).toMatchObject({ status: 415 });
    expect(refuseRequest(req("localhost", "POST", "/api/v1/jobs"), "127.0.0.1")).toMatchObject({ status: 415 });
    expect(refuseRequest(req("localhost", "POST", "/api/v1/jobs", "application/json; charset=utf-8"), "127.0.0.1")).toBeNull();
    expect(refuseRequest(req("localhost", "GET", "/api/v1/hosts"), "127.0.0.1")).toBeNull();
  });
  it("refuses every path spelling where the access layer and Next could see different paths", () => {
    for (const path of [
      "/_next/../api/v1/tokens",
      "/_next/%2e%2e/api/v1/tokens",
      "/_next/%2E%2E/api/v1/tokens",
      "/favicon.ico/../api/v1/hosts",
      "//api/v1/hosts",
      "/./api/v1/hosts",
      "/api/v1%2Fhosts",
      "/_next/%252e%252e/api/v1/hosts",
      "/_next\\..\\api/v1/hosts",
      "/api/v1/hosts;x=1",
      "http://localhost/api/v1/hosts",
    ]) {
      expect(unusualPathSpelling(path), path).not.toBeNull();
      expect(refuseRequest(req("localhost", "GET", path), "127.0.0.1"), path).toMatchObject({ status: 400 });
    }
    for (const path of [
      "/",
      "/api/v1/hosts",
      "/api/v1/hosts/",
      "/hosts/abc/audit",
      "/_next/static/chunks/a.js",
      "/api/v1/pools/cx5.fabric",
    ])
      expect(unusualPathSpelling(path), path).toBeNull();
    // A dot in a name is fine; only whole dot segments are refused. The query is not a path.
    expect(refuseRequest(req("localhost", "GET", "/api/v1/audit-log?q=../x"), "127.0.0.1")).toBeNull();
  });
  it("bounds sign-in bodies tighter than the API's", () => {
    expect(bodyLimitFor("/api/auth/sign-in/username")).toBe(64 * 1024);
    expect(bodyLimitFor("/api/v1/plans")).toBeGreaterThan(1024 * 1024);
  });
});
