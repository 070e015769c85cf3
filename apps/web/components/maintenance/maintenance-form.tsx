"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { JobPreview } from "@vfleet/core";
import { AgentWrites } from "../jobs/agent-writes.tsx";
import { button, input, label, secondary, send } from "../placement/ui.ts";

type Reservation = { planId: string; title: string; guest: string; addresses: string[]; action: "kept" | "released" | "kept-running" };
type DrainGuest = {
  guest: string;
  title: string;
  notes: string[];
  guestAfter: { line: string };
  addresses: string[];
  jobs: { ref: string; preview: JobPreview }[];
};
/** The dry run: what maintenance does with the host's reservations and, with drain, each guest's release plan; Confirm sends its basis. */
type DryRun = { basis: string; reservations: Reservation[]; drain: { guests: DrainGuest[] } | null };

const RESERVATION_WORDS: Record<Reservation["action"], string> = {
  kept: "kept: its plan runs on",
  released: "released: its queued jobs are cancelled",
  "kept-running": "kept: a job of its plan already runs",
};

/**
 * Maintenance from the host page: Preview says what happens to the host's reservations and,
 * with drain, names every guest whose vfleet assignments are released and the plan for each
 * (the agent's exact writes on demand); Confirm puts the host in maintenance and queues those
 * plans with the preview's basis. A host in maintenance can be drained later or taken out.
 */
export function MaintenanceForm({
  hostId,
  hostName,
  inMaintenance,
  assignedGuests,
}: {
  hostId: string;
  hostName: string;
  inMaintenance: boolean;
  /** Guests holding vfleet assignments here (what a drain would release). */
  assignedGuests: string[];
}) {
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [reservations, setReservations] = useState("keep");
  const [drain, setDrain] = useState(false);
  const [preview, setPreview] = useState<DryRun | null>(null);
  const [plans, setPlans] = useState<{ guest: string; planId: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const path = `/api/v1/hosts/${hostId}/maintenance`;
  const body = { enabled: true, drain, reservations, ...(reason.trim() ? { reason: reason.trim() } : {}) };
  const run = async (dryRun: boolean) => {
    setBusy(true);
    const r = await send("PUT", path, dryRun ? { ...body, dryRun } : drain ? { ...body, basis: preview?.basis } : body);
    setBusy(false);
    if (r.status !== 200) {
      setError(r.body.error ?? `the control plane answered ${r.status}`);
      // The host changed since the preview: show the drain as it is now, to confirm again.
      if (r.status === 409 && r.body.field === "basis") {
        const again = await send("PUT", path, { ...body, dryRun: true });
        setPreview(again.status === 200 ? (again.body as DryRun) : null);
      }
      return;
    }
    setError(null);
    if (dryRun) setPreview(r.body as DryRun);
    else {
      setPreview(null);
      setPlans(r.body.drain?.plans ?? []);
      router.refresh();
    }
  };
  const end = async () => {
    setBusy(true);
    const r = await send("PUT", path, { enabled: false });
    setBusy(false);
    if (r.status === 200) {
      setError(null);
      setPlans([]);
      router.refresh();
    } else setError(r.body.error ?? `the control plane answered ${r.status}`);
  };
  const change = (f: () => void) => {
    f();
    setPreview(null);
  };
  return (
    <div className="space-y-2" data-testid="maintenance-form">
      <div className="flex flex-wrap items-end gap-3">
        {!inMaintenance && (
          <label className={label}>
            Reason (shown on the fleet page)
            <input
              data-testid="maintenance-reason"
              className={`${input} w-64 max-w-full`}
              value={reason}
              maxLength={200}
              placeholder="firmware update"
              onChange={(e) => change(() => setReason(e.target.value))}
            />
          </label>
        )}
        <label className={label}>
          Reservations on it
          <select
            data-testid="maintenance-reservations"
            className={input}
            value={reservations}
            onChange={(e) => change(() => setReservations(e.target.value))}
          >
            <option value="keep">keep (their plans run on)</option>
            <option value="release">release (cancel their queued jobs)</option>
          </select>
        </label>
        <label className="flex items-center gap-1 text-xs">
          <input
            type="checkbox"
            data-testid="maintenance-drain"
            checked={drain}
            onChange={(e) => change(() => setDrain(e.target.checked))}
          />
          drain: release every vfleet assignment ({assignedGuests.length === 0 ? "none now" : assignedGuests.join(", ")})
        </label>
        <button type="button" data-testid="maintenance-preview-button" className={secondary} disabled={busy} onClick={() => run(true)}>
          {inMaintenance ? "Preview" : `Preview maintenance of ${hostName}`}
        </button>
        {inMaintenance && (
          <button type="button" data-testid="maintenance-end-button" className={secondary} disabled={busy} onClick={end}>
            End maintenance
          </button>
        )}
        {plans.map((p) => (
          <Link key={p.planId} data-testid="drain-plan-link" className="text-xs text-sky-700 underline" href={`/plans/${p.planId}`}>
            release plan of {p.guest}
          </Link>
        ))}
        {error && (
          <span className="text-xs text-rose-700" data-testid="maintenance-error">
            {error}
          </span>
        )}
      </div>
      {preview && (
        <div className="space-y-2 rounded border border-slate-200 bg-slate-50 p-3 text-xs" data-testid="maintenance-preview">
          <p className="font-medium">
            {inMaintenance ? `${hostName} stays in maintenance` : `${hostName} goes into maintenance`}: the scheduler places nothing new on
            it; jobs still run.
          </p>
          {preview.reservations.length === 0 ? (
            <p data-testid="maintenance-preview-reservations">No reservations on it.</p>
          ) : (
            <ul className="list-disc pl-5" data-testid="maintenance-preview-reservations">
              {preview.reservations.map((r) => (
                <li key={r.planId} data-testid="maintenance-preview-reservation">
                  {r.addresses.length} reserved for {r.guest} by{" "}
                  <Link className="text-sky-700 underline" href={`/plans/${r.planId}`}>
                    {r.title}
                  </Link>
                  : {RESERVATION_WORDS[r.action]}
                </li>
              ))}
            </ul>
          )}
          {preview.drain &&
            (preview.drain.guests.length === 0 ? (
              <p data-testid="drain-preview-none">Drain: no guest holds a vfleet assignment here; nothing to release.</p>
            ) : (
              <div className="space-y-2" data-testid="drain-preview">
                <p>
                  Drain releases {preview.drain.guests.length === 1 ? "one guest" : `${preview.drain.guests.length} guests`}, one release
                  plan each:
                </p>
                {preview.drain.guests.map((g) => (
                  <div key={g.guest} data-testid="drain-preview-guest" data-guest={g.guest} className="rounded border border-slate-200 p-2">
                    <p className="font-medium">{g.title}</p>
                    <p className="break-all font-mono">{g.addresses.join(" ")}</p>
                    <p data-testid="drain-preview-guest-after">{g.guestAfter.line}</p>
                    <AgentWrites notes={g.notes} jobs={g.jobs} />
                  </div>
                ))}
              </div>
            ))}
          <div className="flex flex-wrap gap-2">
            <button type="button" data-testid="maintenance-confirm-button" className={button} disabled={busy} onClick={() => run(false)}>
              {inMaintenance ? "Confirm" : "Confirm maintenance"}
              {preview.drain && preview.drain.guests.length > 0 ? ` and drain ${preview.drain.guests.length}` : ""}
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
