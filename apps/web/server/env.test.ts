import { describe, expect, it } from "vitest";
import { loadEnv } from "./env.ts";

describe("loadEnv", () => {
  it("gives loopback, port 3000 and a 25 s offline threshold by default", () => {
    expect(loadEnv({})).toMatchObject({ PORT: 3000, HOST: "127.0.0.1", VFLEET_OFFLINE_AFTER_MS: 25_000, NODE_ENV: "development" });
  });

  it("accepts PORT=0 for a free port", () => {
    expect(loadEnv({ PORT: "0" }).PORT).toBe(0);
  });

  it("names the variable and the limit in its error", () => {
    expect(() => loadEnv({ PORT: "70000" })).toThrow(/PORT: .*65535/);
    expect(() => loadEnv({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
  });

  it("bounds the database pool and the snapshot store concurrency, naming the variable", () => {
    expect(loadEnv({})).toMatchObject({ VFLEET_DB_POOL_MAX: 20, VFLEET_SNAPSHOT_STORE_CONCURRENCY: 4 });
    expect(loadEnv({ VFLEET_DB_POOL_MAX: "50" }).VFLEET_DB_POOL_MAX).toBe(50);
    expect(() => loadEnv({ VFLEET_DB_POOL_MAX: "1" })).toThrow(/VFLEET_DB_POOL_MAX: .*2/);
    expect(() => loadEnv({ VFLEET_SNAPSHOT_STORE_CONCURRENCY: "0" })).toThrow(/VFLEET_SNAPSHOT_STORE_CONCURRENCY/);
    expect(loadEnv({}).VFLEET_AGENTS_CONNECTING_MAX).toBe(64);
    expect(() => loadEnv({ VFLEET_AGENTS_CONNECTING_MAX: "0" })).toThrow(/VFLEET_AGENTS_CONNECTING_MAX/);
  });

  it("takes device health's AER limits as JSON over the defaults, naming the variable and the field in its error", () => {
    expect(loadEnv({}).VFLEET_HEALTH_THRESHOLDS.quarantined).toEqual({ correctable: 1000, nonfatal: 5, fatal: 1 });
    const t = loadEnv({ VFLEET_HEALTH_THRESHOLDS: '{"quarantined":{"correctable":200,"fatal":null}}' }).VFLEET_HEALTH_THRESHOLDS;
    expect(t.quarantined).toEqual({ correctable: 200, nonfatal: 5, fatal: null });
    expect(t.degraded.correctable).toBe(10);
    expect(() => loadEnv({ VFLEET_HEALTH_THRESHOLDS: "{oops" })).toThrow(/VFLEET_HEALTH_THRESHOLDS: must be JSON/);
    expect(() => loadEnv({ VFLEET_HEALTH_THRESHOLDS: '{"degraded":{"fatal":0}}' })).toThrow(
      /VFLEET_HEALTH_THRESHOLDS: degraded\.fatal: must be at least 1/,
    );
    expect(() => loadEnv({ VFLEET_HEALTH_THRESHOLDS: '{"degraded":{"links":3}}' })).toThrow(/VFLEET_HEALTH_THRESHOLDS: degraded/);
  });

  it("takes the failed-attempt limits per address, 10 sign-ins and 30 enrollments a minute by default", () => {
    expect(loadEnv({})).toMatchObject({ VFLEET_SIGN_IN_FAILURES_PER_MINUTE: 10, VFLEET_ENROLL_FAILURES_PER_MINUTE: 30 });
    expect(loadEnv({ VFLEET_ENROLL_FAILURES_PER_MINUTE: "100" }).VFLEET_ENROLL_FAILURES_PER_MINUTE).toBe(100);
    expect(() => loadEnv({ VFLEET_SIGN_IN_FAILURES_PER_MINUTE: "0" })).toThrow(/VFLEET_SIGN_IN_FAILURES_PER_MINUTE: .*1/);
  });

  it("wants TLS certificate and key together", () => {
    expect(() => loadEnv({ VFLEET_TLS_CERT_FILE: "/etc/vfleet/cert.pem" })).toThrow(/VFLEET_TLS_KEY_FILE/);
  });
});
