import { describe, expect, it } from "vitest";
import { formatKiB, guestMemoryNeededKiB, recommendGuestMemoryKiB } from "./guest-memory.ts";

const MiB = 1024;

describe("guest memory model (seed 000)", () => {
  it("512 MiB runs out at the 26th VF, not before", () => {
    expect(guestMemoryNeededKiB(25)).toBeLessThanOrEqual(512 * MiB);
    expect(guestMemoryNeededKiB(26)).toBeGreaterThan(512 * MiB);
  });
  it("8 GiB carries 160 VFs; 80 VFs need more than 512 MiB", () => {
    expect(guestMemoryNeededKiB(160)).toBeLessThanOrEqual(8 * 1024 * MiB);
    expect(guestMemoryNeededKiB(80)).toBe(1056 * MiB);
  });
  it("recommends whole GiB with headroom", () => {
    expect(recommendGuestMemoryKiB(80)).toBe(2 * 1024 * MiB);
    expect(formatKiB(512 * MiB)).toBe("512 MiB");
    expect(formatKiB(8 * 1024 * MiB)).toBe("8 GiB");
  });
});
