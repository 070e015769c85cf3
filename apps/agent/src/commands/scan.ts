import { parseArgs } from "node:util";
import { readIommuState } from "@vfleet/core";
import type { Inventory } from "@vfleet/protocol";
import { scanHost } from "../scan/index.ts";

export const summary = "read this host's PCI devices, SR-IOV, IOMMU groups and guests (--root DIR, --json)";

const USAGE =
  "usage: agent scan [--root DIR] [--json]\n  --root DIR  sysfs/procfs root to read (default /; a simulator tree works too)\n  --json      print the Inventory as JSON\n";

/** A few lines a human can check at a glance. */
export function formatSummary(inv: Inventory): string {
  const h = inv.host;
  const pfs = inv.devices.filter((d) => d.sriov);
  const vfs = inv.devices.filter((d) => d.physfn);
  const vfio = inv.devices.filter((d) => d.driver === "vfio-pci");
  const running = inv.guests.filter((g) => g.state === "running").length;
  return [
    `host ${h.hostname} (kernel ${h.kernelRelease ?? "?"}, ${h.cpuCount ?? "?"} CPUs ${h.cpuVendor ?? ""}, ${h.numaNodes.length} NUMA node(s))`,
    `iommu ${readIommuState(inv).state}: ${h.iommu.groups} groups, units ${h.iommu.units.join(",") || "none"}, interrupt remapping ${h.iommu.interruptRemapping ?? "unknown"}`,
    `pci ${inv.devices.length} functions: ${pfs.length} SR-IOV PFs (${pfs.reduce((n, d) => n + d.sriov!.numVfs, 0)}/${pfs.reduce((n, d) => n + d.sriov!.totalVfs, 0)} VFs enabled), ${vfs.length} VFs, ${vfio.length} on vfio-pci`,
    `guests ${inv.guests.length} (${running} running)`,
    "",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  let values: { root?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { root: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`agent scan: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const inv = await scanHost(values.root ?? "/", {
    onGuestError: (file, err) => process.stderr.write(`agent scan: skipped ${file}: ${err instanceof Error ? err.message : String(err)}\n`),
  });
  process.stdout.write(values.json ? `${JSON.stringify(inv, null, 2)}\n` : formatSummary(inv));
  return 0;
}
