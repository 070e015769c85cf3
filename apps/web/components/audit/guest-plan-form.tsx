"use client";

import Link from "next/link";
import { useState } from "react";
import type { AuditReport } from "@vfleet/core";
import { input, label, num, send } from "../placement/ui.ts";
import { AuditReportView } from "./audit-report-view.tsx";

/** The functions a plan by numbers took: what placement gives on this host (nothing reserved). */
type Planned = { addresses: string[]; created: string[]; numaNode: number | null };

/** One number of the plan (typed as text, checked by the API, which names the field). */
function NumberField(p: {
  caption: string;
  width: string;
  placeholder: string;
  value: string;
  onChange: (v: string) => void;
  testId: string;
}) {
  return (
    <label className={label}>
      {p.caption}
      <input
        className={`${input} ${p.width}`}
        inputMode="numeric"
        placeholder={p.placeholder}
        value={p.value}
        onChange={(e) => p.onChange(e.target.value)}
        data-testid={p.testId}
      />
    </label>
  );
}

/**
 * Audit a guest plan against this host (POST /api/v1/audit/hosts/:id): by numbers ("N functions
 * from pool P, V vCPUs, M MiB": the functions placement would give here) or a pasted libvirt
 * domain XML. The guest's verdict and its own checks come first, right under the form.
 */
export function GuestPlanForm({ hostId, pools }: { hostId: string; pools: string[] }) {
  const [pool, setPool] = useState(pools[0] ?? "");
  const [count, setCount] = useState("");
  const [vcpus, setVcpus] = useState("");
  const [memoryMiB, setMemoryMiB] = useState("");
  const [xml, setXml] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<(AuditReport & { planned?: Planned; asked: string }) | null>(null);

  async function audit(body: unknown, asked: string) {
    setBusy(true);
    setError(null);
    const r = await send("POST", `/api/v1/audit/hosts/${encodeURIComponent(hostId)}`, body);
    setBusy(false);
    if (r.status === 200) setReport({ ...(r.body as AuditReport & { planned?: Planned }), asked });
    else {
      setReport(null);
      setError(r.body?.error ?? `the control plane answered ${r.status}`);
    }
  }
  const filled = pool !== "" && count.trim() !== "" && vcpus.trim() !== "" && memoryMiB.trim() !== "";

  return (
    <div className="space-y-4">
      <form
        className="flex flex-wrap items-end gap-3"
        data-print="hide"
        data-testid="guest-plan-numbers"
        onSubmit={(e) => {
          e.preventDefault();
          void audit(
            { plan: { pool, count: num(count), vcpus: num(vcpus), memoryMiB: num(memoryMiB) } },
            `${count} functions from pool ${pool}, ${vcpus} vCPUs, ${memoryMiB} MiB`,
          );
        }}
      >
        {pools.length === 0 ? (
          <p className="text-xs text-slate-500" data-testid="guest-plan-no-pools">
            No pool yet: create one on <Link href="/pools">Pools</Link> to audit a plan by numbers, or paste a domain XML below.
          </p>
        ) : (
          <>
            <NumberField caption="Functions" width="w-20" placeholder="16" value={count} onChange={setCount} testId="guest-plan-count" />
            <label className={label}>
              from pool
              <select className={input} value={pool} onChange={(e) => setPool(e.target.value)} data-testid="guest-plan-pool">
                {pools.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
            <NumberField caption="vCPUs" width="w-20" placeholder="8" value={vcpus} onChange={setVcpus} testId="guest-plan-vcpus" />
            <NumberField
              caption="memory (MiB)"
              width="w-28"
              placeholder="16384"
              value={memoryMiB}
              onChange={setMemoryMiB}
              testId="guest-plan-memory"
            />
            <button
              type="submit"
              disabled={busy || !filled}
              className="rounded bg-sky-700 px-3 py-1.5 text-xs font-medium text-white disabled:opacity-50"
              data-testid="guest-plan-numbers-submit"
            >
              {busy ? "Auditing…" : "Audit this plan"}
            </button>
          </>
        )}
      </form>
      <details data-print="hide">
        <summary className="cursor-pointer text-xs text-sky-700">or paste a libvirt domain XML</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void audit({ domainXml: xml }, "the pasted domain XML");
          }}
          className="mt-2 space-y-2"
          data-testid="guest-plan-form"
        >
          <label htmlFor="domain-xml" className="block text-xs font-medium text-slate-600">
            Domain XML with the planned &lt;hostdev&gt; / &lt;interface type=&apos;hostdev&apos;&gt; devices
          </label>
          <textarea
            id="domain-xml"
            name="domainXml"
            value={xml}
            onChange={(e) => setXml(e.target.value)}
            rows={8}
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
            {busy ? "Auditing…" : "Audit this domain XML"}
          </button>
        </form>
      </details>
      {error && (
        <p className="rounded border border-rose-200 bg-rose-50 px-3 py-2 text-xs text-rose-700" data-testid="guest-plan-error">
          {error}
        </p>
      )}
      {report && (
        <div data-testid="guest-plan-report" className="space-y-2">
          <h3 className="text-sm font-semibold">Plan: {report.asked}</h3>
          {report.planned && (
            <p className="text-xs text-slate-600" data-testid="guest-plan-functions">
              The functions placement would give on this host
              {report.planned.numaNode !== null ? ` (NUMA node ${report.planned.numaNode})` : " (over several NUMA nodes)"}:{" "}
              <span className="font-mono break-words">{report.planned.addresses.join(" ")}</span>
              {report.planned.created.length > 0 &&
                `. ${report.planned.created.length} of them do not exist yet (placement would create them with sriov_numvfs): the checks cannot see those.`}
            </p>
          )}
          <AuditReportView report={report} guestFirst />
        </div>
      )}
    </div>
  );
}
