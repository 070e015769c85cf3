import { describe, expect, it } from "vitest";
import { vfAddress } from "./vf-address.ts";

describe("vfAddress (pci_iov_virtfn_bus/devfn)", () => {
  it("gives the 82576 VFs of seed 001: offset 0x80, stride 2, interleaved between ports", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => vfAddress("0000:03:00.0", 0x80, 2, i))).toEqual([
      "0000:03:10.0",
      "0000:03:10.2",
      "0000:03:10.4",
      "0000:03:10.6",
      "0000:03:11.0",
      "0000:03:11.2",
      "0000:03:11.4",
    ]);
    expect(vfAddress("0000:03:00.1", 0x80, 2, 6)).toBe("0000:03:11.5");
  });

  it("carries a routing id past devfn 0xff onto the next bus", () => {
    expect(vfAddress("0000:86:00.0", 0xfe, 1, 3)).toBe("0000:87:00.1");
  });

  it("refuses a VF beyond bus ff", () => {
    expect(() => vfAddress("0000:ff:00.0", 0x100, 1, 0)).toThrow(/bus/);
  });
});
