"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { button, input, label, send } from "./ui.ts";

type ReleasePreview = { basis: string; summaries: string[]; refusals: string[] };
type Previewed = { summary: string; refusals: string[] };

const toPreview = (basis: string, previews: Previewed[]): ReleasePreview => ({
  basis,
  summaries: previews.map((p) => p.summary),
  refusals: previews.flatMap((p) => p.refusals),
});

/**
 * Release a guest's vfleet assignments: detach, driver back (or kept on vfio-pci), MAC/VLAN
 * restored. Previewed first; Confirm carries the preview's basis, so a host changed since shows
 * the new plan instead of queueing the old one, and stays off when the agent would refuse a job.
 */
export function ReleaseForm({ hostId, guest }: { hostId: string; guest: string }) {
  const [driver, setDriver] = useState("host");
  const [removeVfs, setRemoveVfs] = useState(false);
  const [preview, setPreview] = useState<ReleasePreview | null>(null);
  const [plan, setPlan] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A changed choice is a different release: preview it again.
  useEffect(() => setPreview(null), [driver, removeVfs]);
  const previewRelease = async () => {
    const r = await send("POST", "/api/v1/assignments/release", { hostId, guest, driver, removeVfs, dryRun: true });
    if (r.status === 200) {
      setPreview(
        toPreview(
          r.body.basis,
          (r.body.jobs as { preview: Previewed }[]).map((j) => j.preview),
        ),
      );
      setError(null);
    } else setError(r.body.error);
  };
  const release = async () => {
    if (!preview) return;
    const r = await send("POST", "/api/v1/assignments/release", { hostId, guest, driver, removeVfs, basis: preview.basis });
    if (r.status === 201) {
      setPlan(r.body.plan.id);
      setPreview(null);
      setError(null);
      return;
    }
    // The host changed since the preview: show the release as it now is, to confirm again.
    if (r.status === 409 && r.body.field === "basis") setPreview(toPreview(r.body.basis, r.body.previews));
    setError(r.body.error);
  };
  return (
    <div className="flex flex-wrap items-end gap-3" data-testid="release-form" data-guest={guest}>
      <label className={label}>
        Released VFs go
        <select data-testid="release-driver" className={input} value={driver} onChange={(e) => setDriver(e.target.value)}>
          <option value="host">back to the host driver</option>
          <option value="vfio-pci">stay on vfio-pci</option>
        </select>
      </label>
      <label className="flex items-center gap-1 text-xs">
        <input type="checkbox" data-testid="release-remove-vfs" checked={removeVfs} onChange={(e) => setRemoveVfs(e.target.checked)} />
        set fully freed PFs back to 0 VFs
      </label>
      <button type="button" data-testid="release-button" className={button} onClick={previewRelease}>
        Release all of {guest}
      </button>
      {preview && (
        <div className="flex w-full flex-col gap-1 text-xs" data-testid="release-preview">
          <ol className="list-decimal pl-5 font-mono text-[11px]">
            {preview.summaries.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
          {preview.refusals.length > 0 && (
            <p className="text-red-700" data-testid="release-refused">
              Confirm is off: the agent would refuse this release. {preview.refusals.join(" ")}
            </p>
          )}
          <button
            type="button"
            data-testid="release-confirm"
            className={`${button} self-start`}
            disabled={preview.refusals.length > 0}
            onClick={release}
          >
            Confirm release
          </button>
        </div>
      )}
      {plan && (
        <Link data-testid="release-plan-link" className="text-xs text-blue-700 underline" href={`/plans/${plan}`}>
          release plan
        </Link>
      )}
      {error && (
        <span className="text-xs text-red-700" data-testid="release-error">
          {error}
        </span>
      )}
    </div>
  );
}
