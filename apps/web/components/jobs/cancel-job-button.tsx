"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/** Cancel a job that has not been sent yet (the API refuses once the agent has it). */
export function CancelJobButton({ jobId }: { jobId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const cancel = async () => {
    setBusy(true);
    setError(null);
    const res = await fetch(`/api/v1/jobs/${jobId}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    setBusy(false);
    if (!res.ok) setError(body.error ?? `could not cancel (HTTP ${res.status})`);
    router.refresh();
  };
  return (
    <span className="inline-flex items-center gap-2">
      <button
        data-testid="job-cancel-button"
        disabled={busy}
        onClick={() => void cancel()}
        className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-50"
      >
        Cancel job
      </button>
      {error && (
        <span className="text-xs text-rose-700" data-testid="job-cancel-error">
          {error}
        </span>
      )}
    </span>
  );
}
