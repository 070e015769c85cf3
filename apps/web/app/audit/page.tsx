import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { AuditPrintStyle } from "@/components/audit/audit-print-style.tsx";
import { FleetAuditTable } from "@/components/audit/fleet-audit-table.tsx";
import { PrintButton } from "@/components/audit/print-button.tsx";
import { loadFleetAudit } from "./load-audit.ts";

/** Fleet audit: which hosts fail which checks, worst first. */
export const metadata: Metadata = { title: "Fleet audit" };

export default async function FleetAuditPage() {
  await connection();
  const { fleet, hostIds, awaiting } = await loadFleetAudit();
  return (
    <div className="space-y-5">
      <AuditPrintStyle />
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">Fleet passthrough audit</h1>
        <div className="ml-auto flex items-center gap-2" data-print="hide">
          <a
            href="/api/v1/audit/fleet?format=json"
            className="rounded border border-slate-300 bg-white px-3 py-1 text-xs hover:bg-slate-50"
          >
            JSON
          </a>
          <a
            href="/api/v1/audit/fleet?format=markdown"
            className="rounded border border-slate-300 bg-white px-3 py-1 text-xs hover:bg-slate-50"
          >
            Markdown
          </a>
          <PrintButton />
        </div>
      </div>
      <p className="text-xs text-slate-500">
        Hosts with the most failing checks first; columns are the checks that fail or warn somewhere, most failing first. Open a host for
        evidence and fixes.
      </p>
      <FleetAuditTable fleet={fleet} hostIds={hostIds} />
      {fleet.checks.length > 0 && (
        <ul className="space-y-1 text-xs" data-testid="fleet-audit-checks">
          {fleet.checks.map((c) => (
            <li key={c.id}>
              <span className="font-medium">{c.title}</span> <code className="text-slate-500">({c.id})</code>:{" "}
              {c.failing.length > 0 && <span className="text-rose-700">fails on {c.failing.join(", ")}</span>}
              {c.failing.length > 0 && c.warning.length > 0 && "; "}
              {c.warning.length > 0 && <span className="text-amber-700">warns on {c.warning.join(", ")}</span>}
            </li>
          ))}
        </ul>
      )}
      {awaiting.length > 0 && (
        <p className="text-xs text-slate-500">
          Awaiting a first inventory:{" "}
          {awaiting.map((n) => (
            <Link key={n} href="/" className="mr-2">
              {n}
            </Link>
          ))}
        </p>
      )}
    </div>
  );
}
