import type { Inventory } from "@vfleet/protocol";
import { auditHost } from "./audit-host.ts";
import type { AuditLayer, AuditReport } from "./types.ts";

export interface FleetHostReport {
  name: string;
  report: AuditReport;
}

export interface FleetCheckRow {
  id: string;
  title: string;
  layer: AuditLayer;
  failing: string[];
  warning: string[];
}

export interface FleetAudit {
  /** Worst first: most failures, then most warnings, then name. */
  hosts: FleetHostReport[];
  /** Checks with at least one failing or warning host, most failing hosts first. */
  checks: FleetCheckRow[];
}

/** MAC -> host names whose VFs carry it (PF-side VF MACs). */
export function collectFleetMacs(hosts: readonly { name: string; inventory: Inventory }[]): Map<string, string[]> {
  const macs = new Map<string, string[]>();
  for (const { name, inventory } of hosts) {
    for (const d of inventory.devices) {
      for (const c of d.sriov?.vfConfigs ?? []) {
        if (!c.mac || c.mac === "00:00:00:00:00:00") continue;
        const list = macs.get(c.mac) ?? [];
        if (!list.includes(name)) list.push(name);
        macs.set(c.mac, list);
      }
    }
  }
  return macs;
}

/**
 * Audit every host with cross-host facts (VF MAC uniqueness) and rank them. Host-level checks
 * only: guest plans are audited per host. The `name` given here is what the fleet knows the host
 * as; MACs are matched by that name.
 */
export function auditFleet(hosts: readonly { name: string; inventory: Inventory }[]): FleetAudit {
  const fleetMacs = collectFleetMacs(hosts);
  const reports = hosts.map(({ name, inventory }) => ({
    name,
    report: { ...auditHost({ ...inventory, host: { ...inventory.host, hostname: name } }, { fleetMacs }), host: name },
  }));
  reports.sort(
    (a, b) =>
      b.report.summary.fail - a.report.summary.fail || b.report.summary.warn - a.report.summary.warn || a.name.localeCompare(b.name),
  );
  const rows = new Map<string, FleetCheckRow>();
  for (const { name, report } of reports) {
    for (const c of report.checks) {
      if (c.status !== "fail" && c.status !== "warn") continue;
      const row = rows.get(c.id) ?? { id: c.id, title: c.title, layer: c.layer, failing: [], warning: [] };
      (c.status === "fail" ? row.failing : row.warning).push(name);
      rows.set(c.id, row);
    }
  }
  const checks = [...rows.values()].sort(
    (a, b) => b.failing.length - a.failing.length || b.warning.length - a.warning.length || a.id.localeCompare(b.id),
  );
  return { hosts: reports, checks };
}
