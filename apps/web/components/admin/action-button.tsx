"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/**
 * One API call behind a confirmation (revoke a token, revoke a host's credential, remove a host).
 * `then`: where to go afterwards when the page itself is gone (a removed host's page).
 */
export function ActionButton({
  path,
  method,
  label,
  confirmText,
  testId,
  then,
}: {
  path: string;
  method: "POST" | "DELETE";
  label: string;
  confirmText: string;
  testId: string;
  then?: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const act = async () => {
    if (!window.confirm(confirmText)) return;
    const res = await fetch(path, { method, headers: { "content-type": "application/json" }, body: "{}" });
    if (!res.ok) setError(((await res.json()) as { error?: string }).error ?? `HTTP ${res.status}`);
    else if (then) router.push(then);
    else router.refresh();
  };
  return (
    <>
      <button
        data-testid={testId}
        onClick={() => void act()}
        className="rounded border border-rose-300 px-2 py-0.5 text-xs text-rose-700 hover:bg-rose-50"
      >
        {label}
      </button>
      {error && <span className="ml-2 text-xs text-rose-700">{error}</span>}
    </>
  );
}
