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
