import Link from "next/link";
import type { AuditStatus } from "@vfleet/core";
import { AuditStatusBadge } from "./audit/audit-status-badge.tsx";

/** The host audit's verdict as a badge linking to the audit, with the counts behind it in words. */
export function HealthBadge({
  hostId,
  health,
}: {
  hostId: string;
  health: { verdict: string; fail: number; warn: number; unknown: number } | null;
}) {
  if (!health) return <span className="text-xs text-slate-500">not audited yet</span>;
  const parts = [
    health.fail && `${health.fail} failing`,
    health.warn && `${health.warn} warning`,
    health.unknown && `${health.unknown} could not tell`,
  ].filter(Boolean);
  return (
    <Link
      href={`/hosts/${hostId}/audit`}
      data-testid="host-health"
      data-verdict={health.verdict}
      title={parts.length ? parts.join(", ") : "every applicable check passes"}
      className="inline-flex items-center gap-1.5"
    >
      <AuditStatusBadge status={health.verdict as AuditStatus} />
      <span className="sr-only">{parts.length ? parts.join(", ") : "all checks pass"}</span>
    </Link>
  );
}
