import { access, rename } from "node:fs/promises";
import { join } from "node:path";
import { auditHost, type AuditReport } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { SCAN_SOURCES, scanHost } from "../src/scan/index.ts";
import { removeTrees, simTree } from "./jobs-sim-tree.ts";
import { captureWithout, quotesOfUnread } from "./partial-capture-tree.ts";

/**
 * Absence never decides: removing any one directory the scan lists as a source (or a whole
 * /proc, /sys/module, /sys/kernel, /sys/class, /etc, as captures lack them) may turn a verdict
 * into "could not tell", never into another pass / warn / fail / not-applicable, and no evidence
 * line may quote what was removed. Over every simulator profile and the partial-capture fixtures,
 * for the host audit and each of the host's guests audited as a plan.
 */
afterAll(removeTrees);

const REMOVABLE = [...new Set<string>([...SCAN_SOURCES, "/proc", "/sys/module", "/sys/kernel", "/sys/class", "/etc"])];

const BASES: { name: string; tree: () => Promise<string>; missing: string[] }[] = [
  { name: "dgx2", tree: () => simTree("dgx2"), missing: [] },
  { name: "intel-82576", tree: () => simTree("intel-82576"), missing: [] },
  { name: "gpu-workstation", tree: () => simTree("gpu-workstation"), missing: [] },
  {
    name: "gpu-workstation without /proc/interrupts and /sys/module",
    tree: () => captureWithout("gpu-workstation", ["proc/interrupts", "sys/module"]),
    missing: ["/proc/interrupts", "/sys/module"],
  },
  {
    name: "intel-82576 without /sys/kernel (links into it dropped)",
    tree: () => captureWithout("intel-82576", ["sys/kernel"], { dropLinksInto: true }),
    missing: ["/sys/kernel"],
  },
];

const audits = (inventory: Inventory, guests: Inventory["guests"]): AuditReport[] => [
  auditHost(inventory),
  ...guests.map((guest) => auditHost(inventory, { guest })),
];

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

describe("removing one scanned directory only ever turns a verdict into 'could not tell'", () => {
  for (const base of BASES) {
    it(
      base.name,
      async () => {
        const root = await base.tree();
        const full = await scanHost(root);
        // Guests come from /etc: audit the full tree's guests as plans on every reduced tree too.
        const before = audits(full, full.guests);
        expect(
          quotesOfUnread(
            before.flatMap((r) => r.checks),
            base.missing,
          ),
        ).toEqual([]);
        const changed: string[] = [];
        const quoted: string[] = [];
        let removed = 0;
        for (const dir of REMOVABLE) {
          const path = join(root, dir);
          if (!(await exists(path))) continue;
          removed++;
          await rename(path, `${path}.removed`);
          try {
            const after = audits(await scanHost(root), full.guests);
            after.forEach((report, r) =>
              report.checks.forEach((c, i) => {
                const was = before[r]!.checks[i]!;
                expect(c.id).toBe(was.id);
                if (c.status !== was.status && c.status !== "unknown")
                  changed.push(
                    `without ${dir}, ${report.guest ?? "host"} ${c.id}: ${was.status} -> ${c.status} (${c.evidence.join(" | ")})`,
                  );
              }),
            );
            quoted.push(
              ...quotesOfUnread(
                after.flatMap((r) => r.checks),
                [dir, ...base.missing],
              ).map((q) => `without ${dir}: ${q}`),
            );
          } finally {
            await rename(`${path}.removed`, path);
          }
        }
        expect(removed).toBeGreaterThanOrEqual(REMOVABLE.length - base.missing.length - 2);
        expect(changed).toEqual([]);
        expect(quoted).toEqual([]);
      },
      180_000,
    );
  }
});
