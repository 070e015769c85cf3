import type { Inventory } from "@vfleet/protocol";
import { AUDIT_RULES } from "./all-rules.ts";
import { auditHost, emptySummary } from "./audit-host.ts";
import { verdictOf, type AuditVerdictStatus } from "./audit-verdict.ts";
import type { AuditLayer, AuditReport, AuditStatus, AuditSummary } from "./types.ts";

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

/** Every check's status by id, without evidence (the host's own audit has it). */
export type CheckStatuses = Record<string, AuditStatus>;

export const checkStatuses = (report: AuditReport): CheckStatuses => Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

const STATUS_LETTER: Record<AuditStatus, string> = { pass: "p", warn: "w", fail: "f", unknown: "u", "not-applicable": "n" };
const LETTER_STATUS = new Map(Object.entries(STATUS_LETTER).map(([status, letter]) => [letter, status as AuditStatus]));

/**
 * Every rule's status as one letter, in AUDIT_RULES order: what the control plane stores per host
 * (21 bytes, where JSON made reading thousands of hosts several times slower). The order is fixed
 * within an AUDIT_RULES_REVISION, which is stored beside it. A rule without a status is "n".
 */
export const encodeCheckStatuses = (checks: CheckStatuses): string =>
  AUDIT_RULES.map((r) => STATUS_LETTER[checks[r.id] ?? "not-applicable"]).join("");

/** The statuses back by rule id; null when the letters do not fit the current rules. */
export function decodeCheckStatuses(letters: string): CheckStatuses | null {
  if (letters.length !== AUDIT_RULES.length) return null;
  const out: CheckStatuses = {};
  for (let i = 0; i < letters.length; i++) {
    const status = LETTER_STATUS.get(letters[i]!);
    if (!status) return null;
    out[AUDIT_RULES[i]!.id] = status;
  }
  return out;
}

/** Worst first: most failures, then most warnings, then name. */
const worstFirst = (a: { name: string; summary: AuditSummary }, b: { name: string; summary: AuditSummary }) =>
  b.summary.fail - a.summary.fail || b.summary.warn - a.summary.warn || a.name.localeCompare(b.name);

const RULE_BY_ID = new Map(AUDIT_RULES.map((r) => [r.id, r]));

/** Checks failing or warning on some host, most failing hosts first; hosts in the order given. */
function checkRows(hosts: readonly { name: string; checks: CheckStatuses }[]): FleetCheckRow[] {
  const rows = new Map<string, FleetCheckRow>();
  for (const { name, checks } of hosts) {
    for (const [id, status] of Object.entries(checks)) {
      if (status !== "fail" && status !== "warn") continue;
      const rule = RULE_BY_ID.get(id);
      const row = rows.get(id) ?? { id, title: rule?.title ?? id, layer: rule?.layer ?? "firmware", failing: [], warning: [] };
      (status === "fail" ? row.failing : row.warning).push(name);
      rows.set(id, row);
    }
  }
  return [...rows.values()].sort(
    (a, b) => b.failing.length - a.failing.length || b.warning.length - a.warning.length || a.id.localeCompare(b.id),
  );
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
  reports.sort((a, b) => worstFirst({ name: a.name, summary: a.report.summary }, { name: b.name, summary: b.report.summary }));
  return { hosts: reports, checks: checkRows(reports.map(({ name, report }) => ({ name, checks: checkStatuses(report) }))) };
}

/** The cross-host check the per-host verdicts leave out: a VF MAC also used on another host fails it. */
export const FLEET_MAC_CHECK = "sriov.mac-unique";

export interface FleetHostHealth {
  name: string;
  verdict: AuditVerdictStatus;
  summary: AuditSummary;
  checks: CheckStatuses;
  /** When the stored verdict was computed (ISO 8601). */
  auditedAt: string;
}

export interface FleetHealth {
  /** Worst first, as auditFleet ranks them. */
  hosts: FleetHostHealth[];
  checks: FleetCheckRow[];
}

/**
 * The fleet audit from each host's stored check statuses (the host audit of its stored inventory)
 * and the hosts whose VF MACs are also on another host: the same statuses, ranking and rows as
 * auditFleet over every inventory, without reading or auditing any.
 */
export function rankFleetHealth(
  hosts: readonly { name: string; checks: CheckStatuses; auditedAt: string }[],
  sharingMacs: ReadonlySet<string>,
): FleetHealth {
  const ranked = hosts.map(({ name, checks, auditedAt }) => {
    const own = sharingMacs.has(name) ? { ...checks, [FLEET_MAC_CHECK]: "fail" as const } : checks;
    const summary = emptySummary();
    for (const status of Object.values(own)) summary[status]++;
    return { name, verdict: verdictOf(summary), summary, checks: own, auditedAt };
  });
  ranked.sort(worstFirst);
  return { hosts: ranked, checks: checkRows(ranked) };
}
