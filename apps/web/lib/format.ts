/** UTC `YYYY-MM-DD HH:MM:SS`: unambiguous across an operator team in several time zones. */
export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return "never";
  const d = typeof value === "string" ? new Date(value) : value;
  return d.toISOString().replace("T", " ").slice(0, 19) + "Z";
}

export function formatKiB(kib: number | null | undefined): string {
  if (kib === null || kib === undefined) return "unknown";
  const gib = kib / 1024 / 1024;
  if (gib >= 1) return `${gib >= 100 ? gib.toFixed(0) : gib.toFixed(1)} GiB`;
  return `${(kib / 1024).toFixed(0)} MiB`;
}

/** `4 min ago`, coarse on purpose: how long a host has been gone, not a timestamp (formatTime gives that). */
export function formatAgo(value: Date | string | null | undefined, now: Date = new Date()): string {
  if (!value) return "never";
  const s = Math.max(0, Math.round((now.getTime() - new Date(value).getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
  return `${Math.floor(s / 86_400)} days ago`;
}
