"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { button, send } from "./ui.ts";

/**
 * One guest's VFs attached outside vfleet, with what an operator can do about them: adopt them
 * (vfleet records them as assignments, as they are, and changes nothing on the host); once
 * adopted they are listed under their guest, where their release is previewed and confirmed
 * like any other. The adoption carries the host's basis read with this page: if the host
 * changed since, it is refused and the page reloads with the new picture.
 */
export function DriftGroup({
  hostId,
  host,
  guest,
  addresses,
  basis,
}: {
  hostId: string;
  host: string;
  guest: string;
  addresses: string[];
  basis: string;
}) {
  const router = useRouter();
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const adopt = async () => {
    setBusy(true);
    const r = await send("POST", "/api/v1/assignments/adopt", { hostId, guest, basis });
    setBusy(false);
    if (r.status === 201) {
      setAnswer({ ok: true, text: `${r.body.adopted.length} VFs of ${guest} adopted: release them from the guest's group above.` });
    } else setAnswer({ ok: false, text: r.body.error ?? `HTTP ${r.status}` });
    router.refresh();
  };
  return (
    <li className="space-y-1 py-2" data-testid={`drift-${guest}`} data-host={host}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm font-medium">
          {guest} on {host}: {addresses.length} VF{addresses.length === 1 ? "" : "s"}
        </span>
        <button type="button" className={button} disabled={busy} onClick={() => void adopt()} data-testid="drift-adopt">
          Adopt into vfleet
        </button>
      </div>
      <p className="text-xs text-slate-600">
        Adopting records them as vfleet assignments of {guest} as they are (nothing on the host changes); vfleet then counts them and can
        release them, previewed like any release.
      </p>
      <p className="break-words font-mono text-xs text-slate-600" data-testid="drift-addresses">
        {addresses.join(" ")}
      </p>
      {answer && (
        <p role="status" data-testid="drift-answer" className={`text-xs ${answer.ok ? "text-emerald-700" : "text-rose-700"}`}>
          {answer.text}
        </p>
      )}
    </li>
  );
}
