"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { button, input, label, send } from "./ui.ts";

/** Release a guest's vfleet assignments: detach, driver back (or kept on vfio-pci), MAC/VLAN restored. */
export function ReleaseForm({ hostId, guest }: { hostId: string; guest: string }) {
  const [driver, setDriver] = useState("host");
  const [removeVfs, setRemoveVfs] = useState(false);
  const [plan, setPlan] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const release = async () => {
    const r = await send("POST", "/api/v1/assignments/release", { hostId, guest, driver, removeVfs });
    if (r.status === 201) {
      setPlan(r.body.plan.id);
      setError(null);
    } else setError(r.body.error);
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
      <button type="button" data-testid="release-button" className={button} onClick={release}>
        Release all of {guest}
      </button>
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
