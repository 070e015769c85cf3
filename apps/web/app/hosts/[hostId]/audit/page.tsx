import type { Metadata } from "next";
import { hostPageMetadata } from "@/lib/page-title.ts";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { loadHostAudit } from "@/app/audit/load-audit.ts";
import { AuditPrintStyle } from "@/components/audit/audit-print-style.tsx";
import { AuditReportView } from "@/components/audit/audit-report-view.tsx";
import { GuestPlanForm } from "@/components/audit/guest-plan-form.tsx";
import { PrintButton } from "@/components/audit/print-button.tsx";
import { auditFixLinks } from "@/lib/audit-fix-links.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

/** Passthrough audit of one host, optionally with one of its guests (`?guest=<name>`). */
export const generateMetadata = ({ params }: { params: Promise<{ hostId: string }> }): Promise<Metadata> =>
  hostPageMetadata(params, "Audit");

export default async function HostAuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ hostId: string }>;
  searchParams: Promise<{ guest?: string }>;
}) {
  await requirePageAccess("viewer");
  await connection();
  const { hostId } = await params;
  const { guest } = await searchParams;
  const result = await loadHostAudit(hostId, { name: guest ?? null });
  if (result.kind === "not-found") notFound();
  const { db, queries } = getControlPlaneContext();
  const pools = (await queries.listPools(db)).map((p) => p.name);
  const base = `/api/v1/audit/hosts/${encodeURIComponent(hostId)}`;
  const query = guest ? `&guest=${encodeURIComponent(guest)}` : "";

  return (
    <div className="space-y-5">
      <AuditPrintStyle />
      <div data-print="hide">
        <Link href={`/hosts/${hostId}`} className="text-xs text-sky-700 hover:underline">
          ← Host
        </Link>
        <span className="mx-2 text-xs text-slate-500">|</span>
        <Link href="/audit" className="text-xs text-sky-700 hover:underline">
          Fleet audit
        </Link>
      </div>
      {result.kind === "bad-input" ? (
        <p className="rounded border border-rose-200 bg-rose-50 px-3 py-2 text-xs text-rose-700" data-testid="audit-error">
          {result.error}
        </p>
      ) : result.kind === "no-inventory" ? (
        <div
          data-testid="awaiting-snapshot"
          className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-500"
        >
          {result.name} has not reported an inventory yet: nothing to audit.
        </div>
      ) : (
        <>
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-lg font-semibold" data-testid="audit-title">
              Passthrough audit: {result.name}
              {result.report.guest ? ` · guest ${result.report.guest}` : ""}
            </h1>
            <div className="ml-auto flex items-center gap-2" data-print="hide">
              <a
                href={`${base}?format=json${query}`}
                className="rounded border border-slate-300 bg-white px-3 py-1 text-xs hover:bg-slate-50"
                data-testid="export-json"
              >
                JSON
              </a>
              <a
                href={`${base}?format=markdown${query}`}
                className="rounded border border-slate-300 bg-white px-3 py-1 text-xs hover:bg-slate-50"
                data-testid="export-markdown"
              >
                Markdown
              </a>
              <PrintButton />
            </div>
          </div>
          {result.inventory.guests.length > 0 && (
            <nav className="flex flex-wrap items-center gap-2 text-xs" data-print="hide" data-testid="audit-guests">
              <span className="text-slate-500">Audit with guest:</span>
              <Link href={`/hosts/${hostId}/audit`} className={!guest ? "font-semibold" : "text-sky-700 hover:underline"}>
                host only
              </Link>
              {result.inventory.guests.map((g) => (
                <Link
                  key={g.name}
                  href={`/hosts/${hostId}/audit?guest=${encodeURIComponent(g.name)}`}
                  className={guest === g.name ? "font-semibold" : "text-sky-700 hover:underline"}
                >
                  {g.name}
                </Link>
              ))}
            </nav>
          )}
          {/* A guest plan's verdict right here, at the top, not after every host check. */}
          {/* Printed: the plan's report, not the forms (each form hides itself). */}
          <section className="rounded-lg border border-slate-200 bg-white p-4" data-testid="guest-plan-section">
            <h2 className="mb-2 text-[13px] font-semibold" data-print="hide">
              Audit a guest plan against {result.name}
            </h2>
            <GuestPlanForm hostId={hostId} pools={pools} />
          </section>
          <AuditReportView report={result.report} fixes={auditFixLinks(hostId, result.report, result.inventory)} />
        </>
      )}
    </div>
  );
}
