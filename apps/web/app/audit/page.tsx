import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { AuditPrintStyle } from "@/components/audit/audit-print-style.tsx";
import { FleetAuditTable } from "@/components/audit/fleet-audit-table.tsx";
import { PrintButton } from "@/components/audit/print-button.tsx";
import { loadFleetAudit } from "./load-audit.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

/** Fleet audit: which hosts fail which checks, worst first. */
export const metadata: Metadata = { title: "Fleet audit" };

/** Matrix rows per page: thousands of hosts would be megabytes of table; the worst come first. */
const PAGE_SIZE = 100;
/** Hosts named per check below the matrix; the rest are counted. */
const NAMED = 12;

const named = (names: string[]) =>
  names.length > NAMED ? `${names.slice(0, NAMED).join(", ")} and ${names.length - NAMED} more` : names.join(", ");

export default async function FleetAuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageAccess("viewer");
  await connection();
  const { fleet, hostIds, awaiting } = await loadFleetAudit();
  const requested = Number((await searchParams).page);
  const pages = Math.max(1, Math.ceil(fleet.hosts.length / PAGE_SIZE));
  const page = Number.isInteger(requested) && requested >= 1 ? Math.min(requested, pages) : 1;
  const shown = { ...fleet, hosts: fleet.hosts.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE) };
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
      <FleetAuditTable fleet={shown} hostIds={hostIds} />
      {pages > 1 && (
        <nav className="flex items-center gap-3 text-xs" aria-label="fleet audit pages" data-print="hide">
          {page > 1 && (
            <Link href={`/audit?page=${page - 1}`} className="text-sky-700 hover:underline">
              ← worse
            </Link>
          )}
          <span className="text-slate-500" data-testid="fleet-audit-range">
            hosts {(page - 1) * PAGE_SIZE + 1}-{(page - 1) * PAGE_SIZE + shown.hosts.length} of {fleet.hosts.length}, worst first
          </span>
          {page < pages && (
            <Link href={`/audit?page=${page + 1}`} className="text-sky-700 hover:underline">
              better →
            </Link>
          )}
        </nav>
      )}
      {fleet.checks.length > 0 && (
        <ul className="space-y-1 text-xs" data-testid="fleet-audit-checks">
          {fleet.checks.map((c) => (
            <li key={c.id}>
              <span className="font-medium">{c.title}</span> <code className="text-slate-500">({c.id})</code>:{" "}
              {c.failing.length > 0 && <span className="text-rose-700">fails on {named(c.failing)}</span>}
              {c.failing.length > 0 && c.warning.length > 0 && "; "}
              {c.warning.length > 0 && <span className="text-amber-700">warns on {named(c.warning)}</span>}
            </li>
          ))}
        </ul>
      )}
      {awaiting.length > 0 && (
        <p className="text-xs text-slate-500">
          Awaiting a first inventory{awaiting.length > NAMED ? ` (${awaiting.length}, the first ${NAMED} named)` : ""}:{" "}
          {awaiting.slice(0, NAMED).map((n) => (
            <Link key={n} href="/" className="mr-2">
              {n}
            </Link>
          ))}
        </p>
      )}
    </div>
  );
}
