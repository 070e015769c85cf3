"use client";

import Link from "next/link";
import { useMemo, useState, type ReactNode } from "react";
import { sortRows, type SortDir, type SortValue } from "@/lib/sort-rows.ts";

type HeaderProps = { label: ReactNode; active: boolean; dir: SortDir; className?: string; testId?: string; title?: string } & (
  { onClick: () => void } | { href: string }
);

/**
 * A column header that sorts: the header cell says how the table is sorted (aria-sort), the
 * button or link inside it is what a keyboard reaches. `href` when the server sorts (paged
 * lists), `onClick` when the whole list is on the page.
 */
export function SortableHeader(props: HeaderProps) {
  const arrow = props.active ? (props.dir === "asc" ? " ▲" : " ▼") : "";
  const inner = (
    <>
      {props.label}
      <span aria-hidden="true">{arrow}</span>
    </>
  );
  const cls = "inline-flex items-center font-medium hover:text-slate-900";
  return (
    <th
      scope="col"
      title={props.title}
      aria-sort={props.active ? (props.dir === "asc" ? "ascending" : "descending") : "none"}
      className={props.className}
    >
      {"href" in props ? (
        <Link href={props.href} data-testid={props.testId} className={cls}>
          {inner}
        </Link>
      ) : (
        <button type="button" onClick={props.onClick} data-testid={props.testId} className={cls}>
          {inner}
        </button>
      )}
    </th>
  );
}

/**
 * Client-side sorting of a list that is all on the page: click a header to sort by it, again to
 * reverse. `columns` gives each sortable key its cell value; each header's test id is
 * `<table>-sort-<key>`; `first` is the direction of a first click.
 */
export function useSortedRows<T, K extends string>(
  table: string,
  rows: readonly T[],
  columns: Record<K, (row: T) => SortValue>,
  initial: { key: NoInfer<K>; dir: SortDir } | null = null,
) {
  const [sort, setSort] = useState(initial);
  const sorted = useMemo(() => (sort ? sortRows(rows, columns[sort.key], sort.dir) : [...rows]), [rows, sort, columns]);
  const header = (key: K, label: ReactNode, options: { className?: string; title?: string; first?: SortDir } = {}) => (
    <SortableHeader
      key={key}
      label={label}
      className={options.className}
      testId={`${table}-sort-${key}`}
      title={options.title}
      active={sort?.key === key}
      dir={sort?.dir ?? "asc"}
      onClick={() =>
        setSort((s) => (s?.key === key ? { key, dir: s.dir === "asc" ? "desc" : "asc" } : { key, dir: options.first ?? "asc" }))
      }
    />
  );
  return { rows: sorted, header };
}
