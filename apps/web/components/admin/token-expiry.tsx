import { formatTime } from "@/lib/format.ts";

const DAY_SEC = 86_400;

/** The lifetimes a new API token can get, in days (the API takes seconds, at most 366 days). */
export const TOKEN_LIFETIMES = [
  { label: "in 30 days", value: String(30 * DAY_SEC) },
  { label: "in 1 day", value: String(DAY_SEC) },
  { label: "in 7 days", value: String(7 * DAY_SEC) },
  { label: "in 90 days", value: String(90 * DAY_SEC) },
  { label: "in 366 days", value: String(366 * DAY_SEC) },
  { label: "never", value: "" },
] as const;

/** "2027-01-06 (in 30 days)", "expired 2 days ago" or "never": a date and how far away, in days. */
function describeExpiry(expiresAt: string | null, now: Date): string {
  if (!expiresAt) return "never";
  const at = new Date(expiresAt);
  const days = Math.round((at.getTime() - now.getTime()) / (DAY_SEC * 1000));
  const date = formatTime(at).slice(0, 10);
  if (at.getTime() <= now.getTime()) return `expired ${date} (${-days === 0 ? "today" : `${-days} day${-days === 1 ? "" : "s"} ago`})`;
  return `${date} (${days === 0 ? "today" : `in ${days} day${days === 1 ? "" : "s"}`})`;
}

/** A token's expiry as a date and days from now, the exact UTC time on hover. */
export function TokenExpiry({ expiresAt }: { expiresAt: string | null }) {
  const text = describeExpiry(expiresAt, new Date());
  return expiresAt ? (
    <time dateTime={expiresAt} title={formatTime(expiresAt)}>
      {text}
    </time>
  ) : (
    <>{text}</>
  );
}
