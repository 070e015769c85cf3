import type { z } from "zod";

/**
 * A list page's filters from its query string: the schema's defaults with a note naming the
 * field and its limit when a value is bad (the page then shows everything rather than an error).
 */
export function parsePageQuery<S extends z.ZodType>(
  schema: S,
  params: Record<string, string | string[] | undefined>,
): { query: z.infer<S>; problem: string | null } {
  const flat = Object.fromEntries(Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v[0] : v]])));
  const parsed = schema.safeParse(flat);
  if (parsed.success) return { query: parsed.data, problem: null };
  const issue = parsed.error.issues[0]!;
  return { query: schema.parse({}), problem: `${issue.path.join(".")}: ${issue.message}` };
}
