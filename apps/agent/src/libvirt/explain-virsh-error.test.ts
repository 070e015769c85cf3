import { describe, expect, it } from "vitest";
import { explainVirshError, libvirtErrorLines } from "./explain-virsh-error.ts";

describe("explainVirshError", () => {
  it.each([
    ["error: unsupported configuration: host doesn't support passthrough of host PCI devices", "no-iommu"],
    ["error: unsupported configuration: host doesn't support VFIO PCI passthrough", "no-iommu"],
    ["error: internal error: qemu unexpectedly closed the monitor: vfio 0000:86:00.2: group 42 is not viable", "iommu-group-not-viable"],
    ["error: failed to get domain 'nope'", "domain-not-found"],
    ["error: operation failed: domain 'g' already exists with uuid 1234", "domain-exists"],
    ["error: Requested operation is not valid: domain is already running", "domain-running"],
    ["error: Requested operation is not valid: domain is not running", "domain-not-running"],
    ["error: Requested operation is not valid: device is already in the domain configuration", "already-attached"],
    ["error: device not found: device not present in domain configuration", "not-attached"],
    ["error: internal error: No more available PCI slots", "no-pci-slots"],
    ["error: Failed to connect socket to '/run/libvirt/virtlogd-sock': No such file or directory", "virtlogd-unreachable"],
    [
      "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock'",
      "libvirtd-unreachable",
    ],
    ["error: something libvirt never said before", "unknown"],
  ])("%s -> %s", (message, code) => {
    const result = explainVirshError(message);
    expect(result.code).toBe(code);
    expect(result.explanation === null).toBe(code === "unknown");
  });

  it("tells the operator what to check when the IOMMU is missing", () => {
    const { explanation } = explainVirshError("error: unsupported configuration: host doesn't support VFIO PCI passthrough");
    expect(explanation).toMatch(/VT-d/);
    expect(explanation).toMatch(/intel_iommu=on/);
    expect(explanation).toMatch(/\/sys\/kernel\/iommu_groups/);
  });
});

describe("libvirtErrorLines", () => {
  it("keeps libvirt's lines from the first error: on, unchanged", () => {
    const stderr = "\nerror: Failed to start domain 'g'\nerror: unsupported configuration: host doesn't support VFIO PCI passthrough\n\n";
    expect(libvirtErrorLines(stderr)).toBe(
      "error: Failed to start domain 'g'\nerror: unsupported configuration: host doesn't support VFIO PCI passthrough",
    );
  });
});
