import Link from "next/link";
import type { FleetHealth } from "@vfleet/core";

/** Hosts (worst first) x checks that fail or warn somewhere (most failing first). */
export function FleetAuditTable({ fleet, hostIds }: { fleet: FleetHealth; hostIds: Map<string, string> }) {
  if (fleet.hosts.length === 0)
    return (
      <p className="text-xs text-slate-500" data-testid="fleet-audit-empty">
        No host has reported an inventory yet.
      </p>
    );
  return (
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full border-collapse text-xs" data-testid="fleet-audit-table">
        <thead>
          <tr className="border-b border-slate-200 text-left text-slate-500">
            <th className="px-3 py-2 font-medium">Host</th>
            <th className="px-3 py-2 font-medium text-rose-700">Fail</th>
            <th className="px-3 py-2 font-medium text-amber-700">Warn</th>
            {fleet.checks.map((c) => (
              <th
                key={c.id}
                scope="col"
                className="min-w-24 max-w-40 px-2 py-2 align-bottom text-[11px] font-medium leading-tight"
                title={c.id}
                data-testid="fleet-audit-check-header"
                data-check-id={c.id}
              >
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {fleet.hosts.map((h) => {
            const id = hostIds.get(h.name);
            return (
              <tr key={h.name} className="border-b border-slate-100" data-testid="fleet-audit-row" data-host={h.name}>
                <td className="px-3 py-2 font-medium">
                  {id ? (
                    <Link className="text-sky-700 hover:underline" href={`/hosts/${id}/audit`}>
                      {h.name}
                    </Link>
                  ) : (
                    h.name
                  )}
                </td>
                <td className="px-3 py-2 tabular-nums" data-testid="fleet-audit-fail">
                  {h.summary.fail}
                </td>
                <td className="px-3 py-2 tabular-nums">{h.summary.warn}</td>
                {fleet.checks.map((c) => {
                  const s = h.checks[c.id];
                  const cls = s === "fail" ? "bg-rose-100 text-rose-700" : s === "warn" ? "bg-amber-50 text-amber-700" : "text-slate-500";
                  return (
                    <td key={c.id} className={`px-2 py-2 text-center ${cls}`} data-check-id={c.id} data-status={s}>
                      <span aria-hidden="true">{s === "fail" ? "✕" : s === "warn" ? "!" : "·"}</span>
                      <span className="sr-only">
                        {s === "fail" ? "fails" : s === "warn" ? "warns" : s === "unknown" ? "could not tell" : "passes or does not apply"}
                      </span>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
