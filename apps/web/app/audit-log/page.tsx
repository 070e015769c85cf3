import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { AuditLogList } from "@/components/audit-log-list.tsx";
import { Pager } from "@/components/pager.tsx";
import { Section } from "@/components/section.tsx";
import { auditWindow, parseAuditLogQuery } from "@/lib/audit/audit-log-query.ts";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

/**
 * Who changed what, when, on which host and device, and how it ended; the before/after of each
 * event opens on demand. "Who" is the signed-in user, or `token:<name>` for an API token, as the
 * control plane authenticated them.
 */
export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageAccess("viewer");
  await connection();
  const { db, queries } = getControlPlaneContext();
  const { query, problem } = parseAuditLogQuery(await searchParams);
  const { events, total, choices } = await queries.listAuditPage(db, {
    ...(query.hostId ? { hostId: query.hostId } : {}),
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...auditWindow(query),
    limit: PAGE_SIZE,
    offset: (query.page - 1) * PAGE_SIZE,
  });
  const host = choices.hosts.find((h) => h.id === query.hostId);
  const families = [...new Set(choices.actions.map((a) => a.split(".")[0]!))];
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const pageLink = (page: number) =>
    `/audit-log?${new URLSearchParams(Object.entries({ ...query, page: String(page) }).filter(([, v]) => v !== "" && v !== "1"))}`;
  const filtered = Boolean(query.hostId || query.actor || query.kind || query.since || query.from || query.to);
  const input = "rounded border border-slate-300 bg-white px-2 py-1";
  const first = total === 0 ? 0 : (query.page - 1) * PAGE_SIZE + 1;

  return (
    <Section
      title={host ? `Audit log: ${host.name}` : "Audit log"}
      heading="h1"
      testId="audit-log"
      aside={
        <span className="text-xs text-slate-600" data-testid="audit-count">
          {first}–{first === 0 ? 0 : first + events.length - 1} of {total}
        </span>
      }
    >
      <form method="get" action="/audit-log" className="mb-3 flex flex-wrap items-end gap-2 text-xs" data-testid="audit-filters">
        <label className="flex flex-col">
          Host
          <select name="hostId" defaultValue={query.hostId} className={input} data-testid="audit-filter-host">
            <option value="">every host</option>
            {choices.hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
            {query.hostId && !host && <option value={query.hostId}>removed host</option>}
          </select>
        </label>
        <label className="flex flex-col">
          Who
          <select name="actor" defaultValue={query.actor} className={input} data-testid="audit-filter-actor">
            <option value="">anyone</option>
            {choices.actors.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          What
          <select name="kind" defaultValue={query.kind} className={input} data-testid="audit-filter-kind">
            <option value="">everything</option>
            <optgroup label="families">
              {families.map((f) => (
                <option key={f} value={f}>
                  {f}.*
                </option>
              ))}
            </optgroup>
            <optgroup label="actions">
              {choices.actions.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label className="flex flex-col">
          Since
          <select name="since" defaultValue={query.since} className={input} data-testid="audit-filter-since">
            <option value="">any time</option>
            <option value="1h">last hour</option>
            <option value="24h">last 24 h</option>
            <option value="7d">last 7 days</option>
            <option value="30d">last 30 days</option>
          </select>
        </label>
        <label className="flex flex-col">
          From (UTC)
          <input type="date" name="from" defaultValue={query.from} className={input} data-testid="audit-filter-from" />
        </label>
        <label className="flex flex-col">
          To (UTC)
          <input type="date" name="to" defaultValue={query.to} className={input} data-testid="audit-filter-to" />
        </label>
        <button className="rounded border border-slate-300 bg-white px-2 py-1 hover:bg-slate-50" data-testid="audit-filter-apply">
          Filter
        </button>
        {filtered && (
          <Link href="/audit-log" className="py-1 text-sky-700 hover:underline">
            clear
          </Link>
        )}
        {problem && (
          <span className="text-rose-700" data-testid="filter-problem">
            {problem} (showing every event)
          </span>
        )}
      </form>
      {events.length === 0 ? (
        <p className="text-xs text-slate-600">{filtered ? "No event matches these filters." : "No changes recorded yet."}</p>
      ) : (
        <AuditLogList events={events} />
      )}
      <Pager page={query.page} pages={pages} href={pageLink} label="audit log pages" />
      <p className="mt-3 text-xs text-slate-600">
        Who: the signed-in user, or token:&lt;name&gt; for an API token. Times are UTC on hover.
      </p>
    </Section>
  );
}
