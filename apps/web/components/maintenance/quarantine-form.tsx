"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { button, input, label, secondary, send } from "../placement/ui.ts";

export type QuarantineRow = { address: string; reason: string | null; by: string; at: string };

/**
 * Quarantine from the host page: a device or VF (a PF: its VFs too) that misbehaves is taken out
 * of service, so placement never gives it; it returns only by an operator's "Return to service".
 * Both are recorded in the audit log with who and why.
 */
export function QuarantineForm({ hostId, quarantined, addresses }: { hostId: string; quarantined: QuarantineRow[]; addresses: string[] }) {
  const router = useRouter();
  const [address, setAddress] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = async (target: string, on: boolean) => {
    setBusy(true);
    const r = await send("PUT", `/api/v1/hosts/${hostId}/devices/${target}/quarantine`, {
      quarantined: on,
      ...(on && reason.trim() ? { reason: reason.trim() } : {}),
    });
    setBusy(false);
    if (r.status !== 200) return setError(r.body.error ?? `the control plane answered ${r.status}`);
    setError(null);
    if (on) setAddress("");
    router.refresh();
  };
  return (
    <div className="space-y-2 text-xs" data-testid="quarantine-form">
      {quarantined.length === 0 ? (
        <p className="text-slate-500">No device or VF of this host is quarantined.</p>
      ) : (
        <ul className="space-y-1" data-testid="quarantine-list">
          {quarantined.map((q) => (
            <li key={q.address} data-testid="quarantined-device" data-address={q.address} className="flex flex-wrap items-center gap-2">
              <span className="rounded-full bg-rose-50 px-2 py-0.5 font-medium text-rose-800 ring-1 ring-rose-200">quarantined</span>
              <span className="font-mono">{q.address}</span>
              <span className="text-slate-600">
                by {q.by}
                {q.reason ? `: ${q.reason}` : ""}
              </span>
              <button
                type="button"
                className={secondary}
                disabled={busy}
                data-testid="quarantine-return"
                onClick={() => set(q.address, false)}
              >
                Return to service
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="flex flex-wrap items-end gap-3">
        <label className={label}>
          Device or VF
          <input
            data-testid="quarantine-address"
            className={`${input} w-40`}
            list="quarantine-addresses"
            placeholder="0000:86:00.2"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
          />
          <datalist id="quarantine-addresses">
            {addresses.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label className={label}>
          Why
          <input
            data-testid="quarantine-reason"
            className={`${input} w-64 max-w-full`}
            maxLength={200}
            placeholder="AER errors in dmesg"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <button
          type="button"
          className={button}
          disabled={busy || address.trim() === ""}
          data-testid="quarantine-button"
          onClick={() => set(address.trim(), true)}
        >
          Quarantine
        </button>
        {error && (
          <span className="text-rose-700" data-testid="quarantine-error">
            {error}
          </span>
        )}
      </div>
    </div>
  );
}
