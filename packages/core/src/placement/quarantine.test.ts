import { describe, expect, it } from "vitest";
import { placeRequest } from "./place-request.ts";
import { ask, makePf, makePlacementHost } from "./testing/make-placement-host.ts";

describe("a quarantined PF", () => {
  it("gives no VF and creates none, even with none created yet, and the refusal says what was left out", () => {
    // No VF exists yet: without the PF's own flag, a count change would create VFs on it.
    const pf = { ...makePf(0x35, 0, { totalVfs: 16 }), quarantined: true };
    const r = placeRequest([makePlacementHost("gpu-07", [pf])], ask());
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.error).toContain("(quarantined, not counted: 1 on gpu-07)");
    const back = placeRequest([makePlacementHost("gpu-07", [{ ...pf, quarantined: false }])], ask());
    expect(back.ok && back.placement.host).toBe("gpu-07");
  });
});
