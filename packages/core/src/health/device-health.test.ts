import { describe, expect, it } from "vitest";
import { DEFAULT_HEALTH_THRESHOLDS as D, deviceHealthStates, HealthThresholds, judgeDeviceHealth, thresholdsFor } from "./device-health.ts";

const aer = (correctable: number | null, nonfatal: number | null, fatal: number | null) => ({ correctable, nonfatal, fatal });

describe("judgeDeviceHealth", () => {
  it("moves healthy -> degraded -> quarantined as the counters reach the limits", () => {
    expect(judgeDeviceHealth(aer(9, 0, 0), null, D)).toMatchObject({ state: "healthy", reached: [] });
    expect(judgeDeviceHealth(aer(10, 0, 0), null, D)).toMatchObject({ state: "degraded", reached: ["correctable 10 >= 10"] });
    expect(judgeDeviceHealth(aer(0, 5, 0), null, D)).toMatchObject({ state: "quarantined", reached: ["nonfatal 5 >= 5"] });
    expect(judgeDeviceHealth(aer(0, 0, 1), null, D).state).toBe("quarantined");
  });

  it("counts from the baseline taken at the last return to service, and from 0 after a counter reset", () => {
    expect(judgeDeviceHealth(aer(0, 7, 1), aer(0, 7, 1), D)).toMatchObject({ state: "healthy", since: aer(0, 0, 0) });
    expect(judgeDeviceHealth(aer(0, 8, 1), aer(0, 7, 1), D).state).toBe("degraded");
    // The host rebooted: 2 is below the baseline of 7, so the 2 are new.
    expect(judgeDeviceHealth(aer(0, 2, 0), aer(0, 7, 1), D)).toMatchObject({ state: "degraded", since: aer(0, 2, 0) });
  });

  it("could not tell without counters: never healthy by default", () => {
    expect(judgeDeviceHealth(null, null, D).state).toBe("unknown");
    expect(judgeDeviceHealth(aer(null, null, null), null, D).state).toBe("unknown");
    // What was read still decides.
    expect(judgeDeviceHealth(aer(null, null, 1), null, D).state).toBe("quarantined");
  });
});

describe("thresholdsFor", () => {
  it("applies a pool's limits over the defaults, the strictest when several pools set one", () => {
    const t = thresholdsFor(D, [{ quarantined: { correctable: 50 } }, { quarantined: { correctable: 20, fatal: null } }]);
    expect(t.quarantined).toEqual({ correctable: 20, nonfatal: 5, fatal: null });
    expect(t.degraded).toEqual(D.degraded);
  });

  it("validates thresholds naming the field", () => {
    const bad = HealthThresholds.safeParse({ ...D, degraded: { ...D.degraded, fatal: 0 } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path).toEqual(["degraded", "fatal"]);
  });
});

describe("deviceHealthStates", () => {
  it("says quarantined for a quarantined PF's VFs, gives a VF without counters its PF's state, and unknown without counters", () => {
    const devices = [
      { address: "pf0", physfn: null, aer: aer(12, 0, 0) },
      { address: "pf0-vf0", physfn: "pf0", aer: null },
      { address: "pf1", physfn: null, aer: aer(0, 0, 0) },
      { address: "pf1-vf0", physfn: "pf1" },
      { address: "gpu", physfn: null, aer: null },
    ];
    const states = deviceHealthStates(devices, new Map([["pf0", "degraded"]]), new Set(["pf1"]));
    expect(Object.fromEntries(states)).toEqual({
      pf0: "degraded",
      "pf0-vf0": "degraded",
      pf1: "quarantined",
      "pf1-vf0": "quarantined",
      gpu: "unknown",
    });
  });
});
