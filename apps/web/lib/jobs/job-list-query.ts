import { JobState } from "@vfleet/protocol";
import { z } from "zod";
import { parsePageQuery } from "../parse-page-query.ts";

/** Columns the list sorts by in the database (as in @vfleet/db's JOB_SORT_KEYS). */
export const JOB_SORT_KEYS = ["created", "state", "job", "host", "by"] as const;

export const SINCE_WINDOWS = { "1h": 3_600_000, "24h": 86_400_000, "7d": 604_800_000 } as const;

/** The fleet jobs page's filters, from its query string. */
export const JobListQuery = z.object({
  host: z.string().max(100, "must be at most 100 characters").default(""),
  state: JobState.or(z.literal("")).default(""),
  by: z.string().max(200, "must be at most 200 characters").default(""),
  since: z.enum(["", "1h", "24h", "7d"], { message: "must be 1h, 24h or 7d" }).default(""),
  sort: z.enum(JOB_SORT_KEYS, { message: `must be one of ${JOB_SORT_KEYS.join(", ")}` }).default("created"),
  dir: z.enum(["asc", "desc"], { message: "must be asc or desc" }).default("desc"),
  page: z.coerce.number().int("must be an integer").min(1, "must be at least 1").max(100_000, "must be at most 100000").default(1),
});
export type JobListQuery = z.infer<typeof JobListQuery>;

export function parseJobListQuery(params: Record<string, string | string[] | undefined>): { query: JobListQuery; problem: string | null } {
  return parsePageQuery(JobListQuery, params);
}
