/**
 * Reconnect delay: exponential backoff with "full jitter" (a uniform pick in
 * [0, min(cap, base * 2^attempt)]), so a fleet of agents that lost the control plane at
 * the same moment does not reconnect in lockstep when it comes back.
 */
export function backoffDelayMs(attempt: number, { baseMs = 500, capMs = 30_000, random = Math.random } = {}): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
