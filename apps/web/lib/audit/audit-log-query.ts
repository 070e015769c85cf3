import { z } from "zod";
import { parsePageQuery } from "../parse-page-query.ts";

const AUDIT_SINCE_WINDOWS = { "1h": 3_600_000, "24h": 86_400_000, "7d": 604_800_000, "30d": 2_592_000_000 } as const;

const day = z
  .string()
  .regex(/^(\d{4}-\d{2}-\d{2})?$/, "must be a date like 2026-01-31")
  .refine((s) => s === "" || !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), "must be a real date")
  .default("");

/** The audit log page's filters, from its query string (the host page links with `?hostId=`). */
export const AuditLogQuery = z.object({
  hostId: z.string().max(100, "must be at most 100 characters").default(""),
  actor: z.string().max(200, "must be at most 200 characters").default(""),
  kind: z
    .string()
    .regex(/^[a-z.-]*$/, "must be an action like job.failed or a family like job")
    .max(100, "must be at most 100 characters")
    .default(""),
  since: z.enum(["", "1h", "24h", "7d", "30d"], { message: "must be 1h, 24h, 7d or 30d" }).default(""),
  from: day,
  to: day,
  page: z.coerce.number().int("must be an integer").min(1, "must be at least 1").max(100_000, "must be at most 100000").default(1),
});
export type AuditLogQuery = z.infer<typeof AuditLogQuery>;

export function parseAuditLogQuery(params: Record<string, string | string[] | undefined>): {
  query: AuditLogQuery;
  problem: string | null;
} {
  return parsePageQuery(AuditLogQuery, params);
}

/** The time window the filters ask for: the later of "since" and "from", up to the end of the day "to" names (UTC). */
export function auditWindow(q: AuditLogQuery, now = Date.now()): { from?: Date; to?: Date } {
  const starts = [q.since ? now - AUDIT_SINCE_WINDOWS[q.since] : null, q.from ? Date.parse(`${q.from}T00:00:00Z`) : null].filter(
    (t): t is number => t !== null,
  );
  return {
    ...(starts.length ? { from: new Date(Math.max(...starts)) } : {}),
    ...(q.to ? { to: new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000) } : {}),
  };
}
