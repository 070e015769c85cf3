/**
 * An audit event's before/after as an operator reads them: `key  value` lines instead of raw JSON,
 * with what changed marked. Before and after often have different shapes (a job's "before" is the
 * device state it found, its "after" the job it queued), so a key is marked as changed only when
 * the other side says something different about it: the same key with another value, or, when the
 * two sides share keys at all, a key the other side lacks.
 */
export type DiffRow = { path: string; before: string | undefined; after: string | undefined; changed: boolean };

const MAX_DEPTH = 5;
const MAX_ARRAY_ITEMS = 8;

function text(v: unknown): string {
  if (v === null || v === undefined) return "none";
  if (typeof v === "string") return v === "" ? '""' : v;
  return String(v);
}

/** Leaf values by dotted path; long arrays are summarised rather than spelt out. */
export function flatten(value: unknown, prefix = "", depth = 0, out = new Map<string, string>()): Map<string, string> {
  if (value === null || value === undefined || typeof value !== "object") {
    if (prefix) out.set(prefix, text(value));
    return out;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix || "(list)", "empty");
    else if (value.every((x) => x === null || typeof x !== "object")) {
      out.set(
        prefix || "(list)",
        value.length <= MAX_ARRAY_ITEMS
          ? value.map(text).join(", ")
          : `${value.slice(0, MAX_ARRAY_ITEMS).map(text).join(", ")} … (${value.length} in all)`,
      );
    } else if (depth >= MAX_DEPTH || value.length > MAX_ARRAY_ITEMS) out.set(prefix || "(list)", `${value.length} items`);
    else value.forEach((x, i) => flatten(x, prefix ? `${prefix}.${i}` : String(i), depth + 1, out));
    return out;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) out.set(prefix || "(object)", "empty");
  else if (depth >= MAX_DEPTH) out.set(prefix, `${entries.length} fields`);
  else for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, depth + 1, out);
  return out;
}

/**
 * One row per key either side names, in the order they name them: what it was, what it is, and
 * whether that moved (absent on a side: undefined).
 */
export function auditDiffRows(before: unknown, after: unknown): DiffRow[] {
  const b = flatten(before);
  const a = flatten(after);
  const shared = [...b.keys()].some((k) => a.has(k));
  const bothSides = before !== null && before !== undefined && after !== null && after !== undefined;
  return [...new Set([...b.keys(), ...a.keys()])].map((path) => {
    const was = b.get(path);
    const now = a.get(path);
    const changed = bothSides && (was !== undefined && now !== undefined ? was !== now : shared);
    return { path, before: was, after: now, changed };
  });
}
