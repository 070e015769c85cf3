"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { JobPreview } from "@vfleet/core";
import { AgentWrites } from "../jobs/agent-writes.tsx";
import { button, input, label, secondary, send } from "./ui.ts";

/** One function the release gives back, as vfleet recorded it when it assigned it. */
export type ReleaseRow = {
  address: string;
  pf: string | null;
  mac: string | null;
  vlan: number | null;
  previous: { driver: string | null; mac: string | null; vlan: number | null };
};

/** The release's dry run; Confirm sends its `basis`, so a host that changed since is shown again instead of overwritten. */
type DryRun = {
  title: string;
  notes: string[];
  /** What becomes of the guest's definition: undefined by this release or left defined, and why. */
  guestAfter: { definedByVfleet: boolean; undefines: boolean; line: string };
  basis: string;
  jobs: { ref: string; preview: JobPreview }[];
};

/** What each function will look like afterwards: the driver it goes to, the MAC and VLAN it gets back. */
function afterRelease(r: ReleaseRow, driver: string) {
  const macBack = r.mac && r.previous.mac && r.previous.mac !== r.mac ? r.previous.mac : null;
  const vlanBack = r.vlan !== null && r.vlan !== (r.previous.vlan ?? 0) ? (r.previous.vlan ?? 0) : null;
  return {
    driver:
      driver === "vfio-pci"
        ? "stays on vfio-pci"
        : r.previous.driver
          ? r.previous.driver
          : "the host driver the kernel matches (it had none before)",
    mac: macBack ? `${r.mac} → ${macBack}` : r.mac ? `${r.mac} (kept)` : "—",
    vlan: vlanBack !== null ? `${r.vlan} → ${vlanBack === 0 ? "none" : vlanBack}` : r.vlan ? `${r.vlan} (kept)` : "—",
  };
}

/**
 * Release a guest's vfleet assignments like every other change: Preview says what is detached,
 * which driver each function goes back to, the MAC and VLAN restored and what becomes of the
 * guest's definition, with the agent's exact writes; Confirm queues that plan.
 */
export function ReleaseForm({
  hostId,
  guest,
  rows,
  guestRunning,
}: {
  hostId: string;
  guest: string;
  rows: ReleaseRow[];
  guestRunning: boolean;
}) {
  const router = useRouter();
  const [driver, setDriver] = useState("host");
  const [removeVfs, setRemoveVfs] = useState(false);
  const [preview, setPreview] = useState<DryRun | null>(null);
  const [plan, setPlan] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const body = { hostId, guest, driver, removeVfs };
  const run = async (dryRun: boolean) => {
    setBusy(true);
    const r = await send("POST", "/api/v1/assignments/release", dryRun ? { ...body, dryRun } : { ...body, basis: preview?.basis });
    setBusy(false);
    if (r.status === 200 && dryRun) {
      setPreview(r.body as DryRun);
      setError(null);
    } else if (r.status === 201) {
      setPlan(r.body.plan.id);
      setPreview(null);
      setError(null);
      router.refresh();
    } else if (r.status === 409 && r.body.field === "basis") {
      // The host changed since the preview: show the release as it is now, to confirm again.
      const again = await send("POST", "/api/v1/assignments/release", { ...body, dryRun: true });
      setPreview(again.status === 200 ? (again.body as DryRun) : null);
      setError(`${r.body.error}: this is the release as the host is now; confirm again`);
    } else setError(r.body.error ?? `the control plane answered ${r.status}`);
  };
  // A changed option makes the preview stale: preview again before confirming.
  const change = (f: () => void) => {
    f();
    setPreview(null);
  };
  return (
    <div className="space-y-2" data-testid="release-form" data-guest={guest}>
      <div className="flex flex-wrap items-end gap-3">
        <label className={label}>
          Released VFs go
          <select data-testid="release-driver" className={input} value={driver} onChange={(e) => change(() => setDriver(e.target.value))}>
            <option value="host">back to the host driver</option>
            <option value="vfio-pci">stay on vfio-pci</option>
          </select>
        </label>
        <label className="flex items-center gap-1 text-xs">
          <input
            type="checkbox"
            data-testid="release-remove-vfs"
            checked={removeVfs}
            onChange={(e) => change(() => setRemoveVfs(e.target.checked))}
          />
          set fully freed PFs back to 0 VFs
        </label>
        <button type="button" data-testid="release-preview-button" className={secondary} disabled={busy} onClick={() => run(true)}>
          Preview release of {guest}
        </button>
        {plan && (
          <Link data-testid="release-plan-link" className="text-xs text-sky-700 underline" href={`/plans/${plan}`}>
            release plan
          </Link>
        )}
        {error && (
          <span className="text-xs text-rose-700" data-testid="release-error">
            {error}
          </span>
        )}
      </div>
      {preview && (
        <div className="space-y-2 rounded border border-slate-200 bg-slate-50 p-3 text-xs" data-testid="release-preview">
          <p className="font-medium">{preview.title}</p>
          <p data-testid="release-preview-detach">
            Detaches {rows.length} {rows.length === 1 ? "function" : "functions"} from {guest}
            {guestRunning ? " (live, and from its saved definition)" : " (from its saved definition; it is not running)"}.
          </p>
          <div className="relative overflow-x-auto">
            <table className="text-left font-mono">
              <thead className="font-sans text-slate-600">
                <tr>
                  <th scope="col" className="pr-3 font-medium">
                    function
                  </th>
                  <th scope="col" className="pr-3 font-medium">
                    driver afterwards
                  </th>
                  <th scope="col" className="pr-3 font-medium">
                    MAC
                  </th>
                  <th scope="col" className="font-medium">
                    VLAN
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const after = afterRelease(r, driver);
                  return (
                    <tr key={r.address} data-testid="release-preview-row" data-address={r.address}>
                      <td className="pr-3">{r.address}</td>
                      <td className="pr-3" data-testid="release-preview-driver">
                        {after.driver}
                      </td>
                      <td className="pr-3" data-testid="release-preview-mac">
                        {after.mac}
                      </td>
                      <td data-testid="release-preview-vlan">{after.vlan}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p data-testid="release-preview-guest" data-undefines={preview.guestAfter.undefines ? "yes" : "no"}>
            {preview.guestAfter.line}
          </p>
          <AgentWrites notes={preview.notes} jobs={preview.jobs} notesTestId="release-preview-notes" />
          <div className="flex gap-2">
            <button type="button" data-testid="release-confirm-button" className={button} disabled={busy} onClick={() => run(false)}>
              Confirm release of {rows.length} from {guest}
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
