/** How long a job ran on the host (dispatch to end), or how long it has waited so far; blank when neither applies. */
export function formatJobDuration(
  j: { createdAt: string; dispatchedAt: string | null; finishedAt: string | null; state: string },
  now = Date.now(),
): string {
  const ms = (a: string, b: number) => b - new Date(a).getTime();
  const fmt = (n: number) =>
    n < 1000 ? `${Math.round(n)} ms` : n < 120_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n / 60_000)} min`;
  if (j.finishedAt && j.dispatchedAt) return fmt(ms(j.dispatchedAt, new Date(j.finishedAt).getTime()));
  if (j.finishedAt) return "not run";
  return j.state === "queued" ? `waiting ${fmt(ms(j.createdAt, now))}` : `running ${fmt(ms(j.dispatchedAt ?? j.createdAt, now))}`;
}
