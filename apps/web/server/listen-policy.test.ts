import { describe, expect, it } from "vitest";
import { decideListen, isLoopback } from "./listen-policy.ts";

describe("decideListen", () => {
  it("serves loopback without TLS", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "localhost"])
      expect(decideListen(host, { tls: false, allowPlainHttp: false, publicUrl: false }), host).toEqual({ ok: true });
  });

  it("refuses a network address without TLS, naming the ways out", () => {
    for (const host of ["0.0.0.0", "10.1.2.3", "::", "vfleet.example.net"]) {
      const d = decideListen(host, { tls: false, allowPlainHttp: false, publicUrl: true });
      expect(d.ok, host).toBe(false);
      if (!d.ok) expect(d.error).toMatch(/VFLEET_TLS_CERT_FILE.*VFLEET_ALLOW_PLAIN_HTTP/);
    }
  });

  it("serves a network address with TLS, or with the opt-out and a warning", () => {
    expect(decideListen("0.0.0.0", { tls: true, allowPlainHttp: false, publicUrl: true })).toEqual({ ok: true });
    const optOut = decideListen("0.0.0.0", { tls: false, allowPlainHttp: true, publicUrl: true });
    expect(optOut.ok && optOut.warning).toMatch(/proxy/);
  });

  it("wants the public URL beyond loopback: sign-in checks the browser's origin against it", () => {
    const d = decideListen("0.0.0.0", { tls: true, allowPlainHttp: false, publicUrl: false });
    expect(d.ok ? "" : d.error).toMatch(/VFLEET_PUBLIC_URL/);
  });

  it("knows loopback from a look-alike", () => {
    expect(isLoopback("127.0.0.1.example.com")).toBe(false);
    expect(isLoopback("128.0.0.1")).toBe(false);
  });
});
