import { z } from "zod";

/** Ranges the pages offer; the API takes any whole number of hours up to a year. */
export const HISTORY_RANGES = [
  { hours: 24, label: "24 hours" },
  { hours: 24 * 7, label: "7 days" },
  { hours: 24 * 30, label: "30 days" },
] as const;

/** `GET /api/v1/capacity-history`'s query string, shared with the capacity pages. */
export const CapacityHistoryQuery = z
  .object({
    hostId: z.string().min(1).max(100, "must be at most 100 characters").optional(),
    hours: z.coerce.number().int("must be an integer").min(1, "must be at least 1").max(8760, "must be at most 8760 (a year)").default(24),
    points: z.coerce.number().int("must be an integer").min(2, "must be at least 2").max(500, "must be at most 500").default(48),
  })
  .strict();
export type CapacityHistoryQuery = z.infer<typeof CapacityHistoryQuery>;

export function parseCapacityHistoryQuery(
  params: Record<string, string | undefined>,
): { ok: true; query: CapacityHistoryQuery } | { ok: false; field: string; message: string } {
  const parsed = CapacityHistoryQuery.safeParse(Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== "")));
  if (parsed.success) return { ok: true, query: parsed.data };
  const issue = parsed.error.issues[0]!;
  if (issue.code === "unrecognized_keys")
    return { ok: false, field: issue.keys[0]!, message: "is not a parameter (hostId, hours, points)" };
  return { ok: false, field: issue.path.join(".") || "query", message: issue.message };
}
