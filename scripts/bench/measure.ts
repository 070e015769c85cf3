/** The nearest-rank percentile `p` (0-100] of ascending `sorted`; NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Run `fn` `warmup` times untimed, then `runs` times; return the median, p99 and min in milliseconds. */
export async function measure(
  fn: () => Promise<unknown> | unknown,
  { runs = 15, warmup = 3 } = {},
): Promise<{ median: number; p99: number; min: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, p99: percentile(times, 99), min: times[0]! };
}

export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
export const row = (label: string, value: string, note = "") => console.log(`  ${label.padEnd(52)} ${value.padStart(12)}  ${note}`);
