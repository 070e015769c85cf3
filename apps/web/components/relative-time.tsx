"use client";

import { useEffect, useState } from "react";
import { formatAgo, formatTime } from "@/lib/format.ts";

/**
 * "12 s ago", with the absolute UTC time on hover and for machines (`dateTime`); it keeps counting
 * while the page stays open. The server's render and the browser's first one can differ by a
 * second, so that text is allowed to differ.
 */
export function RelativeTime({ value, testId }: { value: string; testId?: string }) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 10_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time dateTime={value} title={formatTime(value)} data-testid={testId} suppressHydrationWarning>
      {formatAgo(value, now)}
    </time>
  );
}
