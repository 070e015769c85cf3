import { describe, expect, it } from "vitest";
import { Job } from "./jobs.ts";
import { Bdf } from "./primitives.ts";

const message = (input: string) => Bdf.safeParse(input).error?.issues[0]?.message;

describe("PCI addresses: one canonical form, sysfs's", () => {
  it("takes 0000:42:00.0 as it is", () => {
    expect(Bdf.parse("0000:42:00.0")).toBe("0000:42:00.0");
  });

  it("refuses nvidia-smi's 8-digit domain, naming the form to write instead", () => {
    expect(message("00000000:42:00.0")).toBe(
      "00000000:42:00.0 is nvidia-smi's spelling (8-digit domain): vfleet takes the address as sysfs spells it, 0000:42:00.0",
    );
    expect(message("00000001:C1:00.0")).toContain("as sysfs spells it, 0001:c1:00.0");
  });

  it("refuses lspci's short form and upper case the same way", () => {
    expect(message("42:00.0")).toBe("42:00.0 has no PCI domain: write it as sysfs does, 0000:42:00.0");
    expect(message("0000:C1:00.0")).toBe("0000:C1:00.0 must be lower-case as sysfs spells it: 0000:c1:00.0");
    expect(message("gpu0")).toBe("must be a PCI address like 0000:86:00.2 (as sysfs spells it)");
  });

  it("names the job field the address was given in", () => {
    const parsed = Job.safeParse({ kind: "device.bind", params: { device: "00000000:42:00.0", driver: "vfio-pci" } });
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues.find((i) => i.path.join(".") === "params.device");
    expect(issue?.message).toContain("nvidia-smi's spelling");
  });
});
