import { createHash } from "node:crypto";

/** JSON with object keys sorted at every depth, so equal content serialises equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** Content hash of an inventory: sha256 of its canonical JSON. */
export function hashContent(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
