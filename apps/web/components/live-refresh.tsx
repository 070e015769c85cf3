"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

/** Events arriving together (a fleet restarting) cause one refresh, not one each. */
const DEBOUNCE_MS = 150;

/**
 * Subscribes to `/api/v1/events` and re-renders the current server components when any host
 * changes, comes online or goes offline. No reload: `router.refresh()` keeps client state.
 */
export function LiveRefresh() {
  const router = useRouter();
  const [status, setStatus] = useState<"connecting" | "live" | "reconnecting">("connecting");

  useEffect(() => {
    const source = new EventSource("/api/v1/events");
    let timer: ReturnType<typeof setTimeout> | undefined;
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus("reconnecting");
    source.onmessage = () => {
      clearTimeout(timer);
      timer = setTimeout(() => router.refresh(), DEBOUNCE_MS);
    };
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [router]);

  const dot = status === "live" ? "bg-emerald-500" : status === "connecting" ? "bg-slate-300" : "bg-amber-500";
  return (
    <span data-testid="live-status" data-status={status} className="flex items-center gap-2 text-xs text-slate-500">
      <span className={`inline-block h-2 w-2 rounded-full ${dot}`} />
      {status === "live" ? "live" : status}
    </span>
  );
}
