/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** No single wait longer than this, whatever the server says. */
const MAX_TOLD_WAIT_MS = 5 * 60_000;

/**
 * How long to wait when the server says "later" (429 / 503 with Retry-After): what it says, at most
 * five minutes, plus up to a second of jitter so hosts told the same thing do not return together.
 * undefined when it said nothing readable (the caller's own backoff applies).
 */
export function waitAsToldMs(header: string | undefined, random = Math.random, now = Date.now()): number | undefined {
  const told = retryAfterMs(header, now);
  return told === undefined ? undefined : Math.min(told, MAX_TOLD_WAIT_MS) + Math.floor(random() * 1000);
}
