import { describe, expect, it } from "vitest";
import { parseBatchErrors } from "./parse-batch-errors.ts";

const paths = ["/tmp/d/device-0.xml", "/tmp/d/device-1.xml", "/tmp/d/device-2.xml"];

describe("parseBatchErrors", () => {
  it("gives each failed command its own libvirt lines and leaves successes out", () => {
    const stderr = [
      "error: Failed to attach device from /tmp/d/device-0.xml",
      "error: Requested operation is not valid: device is already in the domain configuration",
      "error: Failed to attach device from /tmp/d/device-2.xml",
      "error: device not found: device not present in domain configuration",
      "",
    ].join("\n");
    const { byIndex, unattributed } = parseBatchErrors(stderr, paths);
    expect([...byIndex.keys()]).toEqual([0, 2]);
    expect(byIndex.get(0)).toMatch(/device-0\.xml\nerror: Requested operation is not valid/);
    expect(byIndex.get(2)).toMatch(/device not present/);
    expect(unattributed).toEqual([]);
  });

  it("keeps errors that name no file apart, even right after a device's failure", () => {
    const stderr = [
      "error: Failed to attach device from /tmp/d/device-1.xml",
      "error: internal error: client socket is closed",
      "error: failed to connect to the hypervisor",
    ].join("\n");
    const { byIndex, unattributed } = parseBatchErrors(stderr, paths);
    expect(byIndex.get(1)).toBe("error: Failed to attach device from /tmp/d/device-1.xml\nerror: internal error: client socket is closed");
    expect(unattributed).toEqual(["error: failed to connect to the hypervisor"]);
  });

  it("does not confuse device-1 with device-10", () => {
    const many = Array.from({ length: 11 }, (_, i) => `/tmp/d/device-${String(i).padStart(2, "0")}.xml`);
    const { byIndex } = parseBatchErrors("error: Failed to attach device from /tmp/d/device-10.xml\nerror: x", many);
    expect([...byIndex.keys()]).toEqual([10]);
  });
});
