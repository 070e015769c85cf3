import { describe, expect, it } from "vitest";
import { auditHost } from "./audit-host.ts";
import { renderAuditMarkdown } from "./render-audit-markdown.ts";
import { renderAuditText } from "./render-audit-text.ts";
import { makeInventory } from "./testing/make-inventory.ts";

const noIommu = () =>
  makeInventory({
    host: {
      kernelCmdline: "quiet",
      iommu: { enabled: false, groups: 0, units: [], interruptRemapping: null, allowUnsafeInterrupts: null },
    },
  });

describe("renderAuditMarkdown / renderAuditText", () => {
  it("exports layers, statuses, evidence and the fix as Markdown", () => {
    const md = renderAuditMarkdown(auditHost(noIommu()));
    expect(md).toMatch(/^# Passthrough audit: hv1\n/);
    expect(md).toContain("## Firmware / BIOS and IOMMU");
    expect(md).toContain("### FAIL IOMMU on (groups present) (`iommu.groups`)");
    expect(md).toContain("- /sys/kernel/iommu\\_groups: 0 group(s)");
    expect(md).toMatch(/Fix:\n\n```\nEnable VT-d/);
    expect(md.indexOf("## Kernel arguments")).toBeGreaterThan(md.indexOf("## Firmware"));
  });
  it("prints a readable layered text report", () => {
    const text = renderAuditText(auditHost(noIommu()));
    expect(text).toContain("[FAIL] IOMMU on (groups present)  (iommu.groups)");
    expect(text).toMatch(/fix:\n\s+Enable VT-d/);
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/^\d+ pass, \d+ warn, \d+ fail, \d+ not applicable$/);
  });
});
