import { z } from "zod";

const SORT_KEYS = [
  "name",
  "status",
  "lastSeen",
  "possible",
  "created",
  "bound",
  "assigned",
  "free",
  "ready",
  "needsBind",
  "devices",
  "gpus",
  "health",
] as const;

/** The host list's query string, shared by the fleet page and `GET /api/v1/hosts`. */
export const HostListQuery = z
  .object({
    q: z.string().max(100, "must be at most 100 characters").default(""),
    sort: z.enum(SORT_KEYS, { message: `must be one of ${SORT_KEYS.join(", ")}` }).default("name"),
    dir: z.enum(["asc", "desc"], { message: "must be asc or desc" }).default("asc"),
    limit: z.coerce.number().int("must be an integer").min(1, "must be at least 1").max(1000, "must be at most 1000").default(200),
    offset: z.coerce.number().int("must be an integer").min(0, "must be at least 0").max(10_000_000, "must be at most 10000000").default(0),
  })
  .strict();
export type HostListQuery = z.infer<typeof HostListQuery>;

export type HostListQueryResult = { ok: true; query: HostListQuery } | { ok: false; field: string; message: string };

export function parseHostListQuery(params: URLSearchParams | Record<string, string | string[] | undefined>): HostListQueryResult {
  const entries =
    params instanceof URLSearchParams
      ? [...params.entries()]
      : Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v[0]! : v] as const]));
  const parsed = HostListQuery.safeParse(Object.fromEntries(entries.filter(([, v]) => v !== "")));
  if (parsed.success) return { ok: true, query: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = issue.code === "unrecognized_keys" ? issue.keys[0]! : issue.path.join(".") || "query";
  return {
    ok: false,
    field,
    message: issue.code === "unrecognized_keys" ? "is not a parameter of this list (q, sort, dir, limit, offset)" : issue.message,
  };
}
