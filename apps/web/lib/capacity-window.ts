const HOUR_MS = 3_600_000;
/** The shortest window a chart shows: a host that reported a second ago still gets a readable line. */
const MIN_WINDOW_MS = 10 * 60_000;
/** The longest "since the first report" window; beyond it the pages' fixed ranges (24 h, 7 d, 30 d) apply. */
const MAX_AUTO_WINDOW_MS = 24 * HOUR_MS;

/**
 * The window a capacity page opens on when the operator chose none: from shortly before the
 * first sample to now, so a new install shows its first minutes across the chart instead of a
 * spike at the right edge of 24 hours. A longer history gets the last 24 hours. The lead-in
 * (a twentieth of the span) shows the zero before the first report.
 */
export function autoCapacityWindow(firstSampleAt: Date | null, now: Date): { from: Date; hours: number } {
  const since = firstSampleAt ? now.getTime() - firstSampleAt.getTime() : MAX_AUTO_WINDOW_MS;
  const span = Math.min(MAX_AUTO_WINDOW_MS, Math.max(MIN_WINDOW_MS, since * 1.05));
  return { from: new Date(now.getTime() - span), hours: span / HOUR_MS };
}
