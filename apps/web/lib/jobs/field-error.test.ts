import { describe, expect, it } from "vitest";
import { toFieldError } from "./field-error.ts";

describe("toFieldError", () => {
  it("puts the API's answer beside the field it names, without the dotted path", () => {
    expect(toFieldError("job.params.count: must be at most 16 (sriov_totalvfs of 0000:86:00.0), got 17", "job.params.count")).toEqual({
      field: "count",
      message: "must be at most 16 (sriov_totalvfs of 0000:86:00.0), got 17",
    });
  });

  it("says which line of a list is wrong", () => {
    expect(toFieldError("job.params.devices.2.address: no PCI device 0000:99:00.0 on this host", "job.params.devices.2.address")).toEqual({
      field: "devices",
      message: "line 3: no PCI device 0000:99:00.0 on this host",
    });
    expect(toFieldError("job.params.vfCounts.0.count: must be at most 7", "job.params.vfCounts.0.count")).toEqual({
      field: "vfCounts",
      message: "line 1: count must be at most 7",
    });
  });

  it("says zod's type errors and other params in plain words", () => {
    expect(toFieldError("job.params.count: Invalid input: expected number, received string", "job.params.count")).toEqual({
      field: "count",
      message: "must be a number",
    });
    expect(toFieldError("job.params.qos: needs params.vlan (qos is the 802.1p priority of the VLAN tag)", "job.params.qos").message).toBe(
      "needs VLAN (qos is the 802.1p priority of the VLAN tag)",
    );
  });

  it("keeps what no field shows on the form as a whole", () => {
    expect(toFieldError("basis: the host changed since the preview", "basis")).toEqual({
      field: null,
      message: "the host changed since the preview",
    });
    expect(toFieldError("the control plane did not answer: fetch failed", undefined)).toEqual({
      field: null,
      message: "the control plane did not answer: fetch failed",
    });
  });
});
