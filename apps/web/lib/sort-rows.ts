export type SortDir = "asc" | "desc";
export type SortValue = string | number | null | undefined;

/**
 * Order rows by one column: numbers as numbers, text as people read it ("vf10" after "vf9", case
 * ignored), and empty cells last in either direction (an operator sorting by guest wants the
 * held devices first, not a screen of blanks). Stable: equal rows keep their order.
 */
export function sortRows<T>(rows: readonly T[], value: (row: T) => SortValue, dir: SortDir): T[] {
  const sign = dir === "asc" ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, v: value(row) }))
    .sort((a, b) => {
      const aEmpty = a.v === null || a.v === undefined || a.v === "";
      const bEmpty = b.v === null || b.v === undefined || b.v === "";
      if (aEmpty || bEmpty) return aEmpty === bEmpty ? a.index - b.index : aEmpty ? 1 : -1;
      const c =
        typeof a.v === "number" && typeof b.v === "number"
          ? a.v - b.v
          : String(a.v).localeCompare(String(b.v), undefined, { numeric: true, sensitivity: "base" });
      return c === 0 ? a.index - b.index : sign * c;
    })
    .map((x) => x.row);
}
