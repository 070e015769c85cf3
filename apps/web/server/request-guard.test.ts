import { describe, expect, it } from "vitest";
import { refuseRequest } from "./request-guard.ts";

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
});
