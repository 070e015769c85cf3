import { describe, expect, it } from "vitest";
import { parseAerTotal } from "./parse-aer-stats.ts";

// The sample outputs of the kernel's sysfs-bus-pci-devices-aer_stats ABI document.
const correctable = [
  "Receiver Error 2",
  "Bad TLP 0",
  "Bad DLLP 0",
  "RELAY_NUM Rollover 0",
  "Replay Timer Timeout 0",
  "Advisory Non-Fatal 0",
  "Corrected Internal Error 0",
  "Header Log Overflow 0",
  "TOTAL_ERR_COR 2",
].join("\n");

describe("parseAerTotal", () => {
  it("reads the TOTAL_ERR_* line the kernel prints last", () => {
    expect(parseAerTotal(correctable, "COR")).toBe(2);
    expect(parseAerTotal("Undefined 0\nData Link Protocol 0\nSurprise Down Error 0\nTOTAL_ERR_FATAL 0", "FATAL")).toBe(0);
    expect(parseAerTotal("Undefined 0\nCompletion Timeout 3\nTOTAL_ERR_NONFATAL 1", "NONFATAL")).toBe(1);
  });

  it("takes the total, not the sum of the bits (one message can report several errors)", () => {
    expect(parseAerTotal("Receiver Error 4\nBad TLP 4\nTOTAL_ERR_COR 5", "COR")).toBe(5);
  });

  it("says it could not tell (null) for an absent file or one without its total, never 0", () => {
    expect(parseAerTotal(null, "COR")).toBeNull();
    expect(parseAerTotal("Receiver Error 2\nBad TLP 0", "COR")).toBeNull();
    // Another file's total is not this one's.
    expect(parseAerTotal("TOTAL_ERR_FATAL 1", "NONFATAL")).toBeNull();
  });

  it("keeps a u64 past 2^53 as the largest exact JSON number", () => {
    expect(parseAerTotal("TOTAL_ERR_COR 18446744073709551615", "COR")).toBe(Number.MAX_SAFE_INTEGER);
  });
});
