import type { Inventory } from "@vfleet/protocol";
import { AUDIT_RULES } from "./all-rules.ts";
import { buildAuditContext } from "./build-audit-context.ts";
import { AUDIT_LAYERS, type AuditCheck, type AuditOptions, type AuditReport, type AuditSummary } from "./types.ts";

export const emptySummary = (): AuditSummary => ({ pass: 0, warn: 0, fail: 0, unknown: 0, "not-applicable": 0 });

/**
 * Audit one host (and optionally one guest's passthrough plan) layer by layer. Pure: the
 * inventory and options in, the report out. Linear in devices + groups + planned devices.
 */
export function auditHost(inventory: Inventory, options: AuditOptions = {}): AuditReport {
  const ctx = buildAuditContext(inventory, options);
  const checks: AuditCheck[] = [];
  for (const rule of AUDIT_RULES) {
    let r;
    try {
      r = rule.run(ctx);
    } catch (err) {
      // A rule bug must not hide the other layers' verdicts.
      r = { status: "fail" as const, evidence: [`rule crashed: ${err instanceof Error ? err.message : String(err)}`], remediation: null };
    }
    checks.push({ id: rule.id, title: rule.title, layer: rule.layer, ...r });
  }
  checks.sort((a, b) => AUDIT_LAYERS.indexOf(a.layer) - AUDIT_LAYERS.indexOf(b.layer));
  const summary = emptySummary();
  for (const c of checks) summary[c.status]++;
  return { host: inventory.host.hostname, guest: options.guest?.name ?? null, checks, summary };
}
