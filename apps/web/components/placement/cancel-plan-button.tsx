"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { secondary, send } from "./ui.ts";

/** Cancel a plan: its first still-queued job is cancelled and every later one with it; the reservations go back. */
export function CancelPlanButton({ jobId }: { jobId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const cancel = async () => {
    const r = await send("POST", `/api/v1/jobs/${jobId}/cancel`, {});
    if (r.status === 200) router.refresh();
    else setError(r.body.error);
  };
  return (
    <span className="flex items-center gap-2">
      <button type="button" data-testid="plan-cancel" className={secondary} onClick={cancel}>
        Cancel the rest of the plan
      </button>
      {error && (
        <span className="text-xs text-rose-700" data-testid="plan-cancel-error">
          {error}
        </span>
      )}
    </span>
  );
}
