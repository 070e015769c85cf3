"use client";

import { useState } from "react";
import type { AuditReport } from "@vfleet/core";
import { AuditReportView } from "./audit-report-view.tsx";

/** Paste a libvirt domain XML and audit its passthrough plan against this host (POST /api/v1/audit/hosts/:id). */
export function GuestPlanForm({ hostId }: { hostId: string }) {
  const [xml, setXml] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<AuditReport | null>(null);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/v1/audit/hosts/${encodeURIComponent(hostId)}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ domainXml: xml }),
      });
      const body = (await res.json()) as AuditReport | { error: string };
      if (!res.ok || "error" in body) {
        setReport(null);
        setError("error" in body ? body.error : `HTTP ${res.status}`);
      } else setReport(body);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-4">
      <form onSubmit={submit} className="space-y-2" data-print="hide" data-testid="guest-plan-form">
        <label htmlFor="domain-xml" className="block text-xs font-medium text-slate-600">
          Domain XML with the planned &lt;hostdev&gt; / &lt;interface type=&apos;hostdev&apos;&gt; devices
        </label>
        <textarea
          id="domain-xml"
          name="domainXml"
          value={xml}
          onChange={(e) => setXml(e.target.value)}
          rows={10}
          spellCheck={false}
          placeholder="<domain type='kvm'>…</domain>"
          className="w-full rounded border border-slate-300 p-2 font-mono text-[11px]"
          data-testid="guest-plan-xml"
        />
        <button
          type="submit"
          disabled={busy || xml.trim() === ""}
          className="rounded bg-sky-700 px-3 py-1.5 text-xs font-medium text-white disabled:opacity-50"
          data-testid="guest-plan-submit"
        >
          {busy ? "Auditing…" : "Audit this plan"}
        </button>
      </form>
      {error && (
        <p className="rounded border border-rose-200 bg-rose-50 px-3 py-2 text-xs text-rose-700" data-testid="guest-plan-error">
          {error}
        </p>
      )}
      {report && (
        <div data-testid="guest-plan-report">
          <h3 className="mb-2 text-sm font-semibold">Plan for guest {report.guest}</h3>
          <AuditReportView report={report} />
        </div>
      )}
    </div>
  );
}
