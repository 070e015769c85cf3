"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { JobPreview } from "@vfleet/core";
import { PreviewView } from "../jobs/preview-view.tsx";
import { button, input, label, secondary, send } from "./ui.ts";

type Release = {
  hostId: string;
  host: string;
  guest: string;
  title: string;
  notes: string[];
  guestAfter: { undefines: boolean; line: string };
  jobs: { ref: string; preview: JobPreview }[];
};
type DryRun = { bases: Record<string, string>; releases: Release[] };

/**
 * Release several guests together (a group placement's replicas), all or nothing: Preview lists
 * each guest's release plan; Confirm sends each host's basis and queues every plan in one
 * transaction, or none when a host changed since (then the new preview is shown to confirm again).
 */
export function GroupReleaseForm({ guests }: { guests: string[] }) {
  const router = useRouter();
  const [chosen, setChosen] = useState<string[]>([]);
  const [driver, setDriver] = useState("host");
  const [preview, setPreview] = useState<DryRun | null>(null);
  const [plans, setPlans] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const body = { guests: chosen, driver };
  const run = async (dryRun: boolean) => {
    setBusy(true);
    const r = await send("POST", "/api/v1/assignments/release", dryRun ? { ...body, dryRun } : { ...body, bases: preview?.bases });
    setBusy(false);
    if (r.status === 200 && dryRun) {
      setPreview(r.body as DryRun);
      setPlans([]);
      setError(null);
    } else if (r.status === 201) {
      setPlans((r.body.releases as { plan: { id: string } }[]).map((x) => x.plan.id));
      setPreview(null);
      setError(null);
      router.refresh();
    } else if (r.status === 409 && r.body.field === "bases") {
      setPreview({ bases: r.body.bases, releases: r.body.releases });
      setError(`${r.body.error}: this is the release as the hosts are now; confirm again`);
    } else setError(r.body.error ?? `the control plane answered ${r.status}`);
  };
  const toggle = (g: string) => {
    setChosen((c) => (c.includes(g) ? c.filter((x) => x !== g) : [...c, g]));
    setPreview(null);
  };
  return (
    <div className="space-y-2" data-testid="group-release-form">
      <div className="flex flex-wrap items-end gap-3">
        <fieldset className="flex flex-wrap gap-2 text-xs">
          <legend className="text-[11px] text-slate-500">Guests to release together</legend>
          {guests.map((g) => (
            <label key={g} className="flex items-center gap-1 font-mono">
              <input
                type="checkbox"
                data-testid="group-release-guest"
                data-guest={g}
                checked={chosen.includes(g)}
                onChange={() => toggle(g)}
              />
              {g}
            </label>
          ))}
        </fieldset>
        <label className={label}>
          Released VFs go
          <select
            data-testid="group-release-driver"
            className={input}
            value={driver}
            onChange={(e) => {
              setDriver(e.target.value);
              setPreview(null);
            }}
          >
            <option value="host">back to the host driver</option>
            <option value="vfio-pci">stay on vfio-pci</option>
          </select>
        </label>
        <button
          type="button"
          data-testid="group-release-preview-button"
          className={secondary}
          disabled={busy || chosen.length === 0}
          onClick={() => run(true)}
        >
          Preview release of {chosen.length} {chosen.length === 1 ? "guest" : "guests"}
        </button>
        {plans.map((p, i) => (
          <Link key={p} data-testid="group-release-plan-link" className="text-xs text-sky-700 underline" href={`/plans/${p}`}>
            release plan {i + 1}
          </Link>
        ))}
        {error && (
          <span className="text-xs text-rose-700" data-testid="group-release-error">
            {error}
          </span>
        )}
      </div>
      {preview && (
        <div className="space-y-2 rounded border border-slate-200 bg-slate-50 p-3 text-xs" data-testid="group-release-preview">
          <p>All or nothing: every plan below is queued together, or none if a host changed since this preview.</p>
          {preview.releases.map((r) => (
            <div key={`${r.hostId}/${r.guest}`} data-testid="group-release-item" data-guest={r.guest}>
              <p className="font-medium">{r.title}</p>
              <p data-testid="group-release-guest-after" data-undefines={r.guestAfter.undefines ? "yes" : "no"}>
                {r.guestAfter.line}
              </p>
              {r.notes.length > 0 && (
                <ul className="list-disc pl-5 text-amber-800">
                  {r.notes.map((n) => (
                    <li key={n}>{n}</li>
                  ))}
                </ul>
              )}
              <details>
                <summary className="cursor-pointer text-sky-700">What the agent will write ({r.jobs.length} jobs, in order)</summary>
                <div className="mt-2 space-y-2">
                  {r.jobs.map((j) => (
                    <PreviewView key={j.ref} preview={j.preview} />
                  ))}
                </div>
              </details>
            </div>
          ))}
          <div className="flex gap-2">
            <button type="button" data-testid="group-release-confirm-button" className={button} disabled={busy} onClick={() => run(false)}>
              Confirm release of {preview.releases.length} {preview.releases.length === 1 ? "guest" : "guests"}
            </button>
            <button type="button" className={secondary} onClick={() => setPreview(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
