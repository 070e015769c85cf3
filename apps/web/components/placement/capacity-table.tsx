"use client";

import { STATE_WORDS, type StateWord } from "@/lib/state-words.ts";
import { GlossaryLink } from "../vf-legend.tsx";
import type { PoolCapacity } from "@vfleet/core";
import { useSortedRows } from "../sortable-header.tsx";

const COLS = ["ready", "bindable", "creatable", "reserved", "assigned", "inUse"] as const;
/** The API's field names (kept) said in the dashboard's state words. */
const WORD: Record<(typeof COLS)[number], StateWord> = {
  ready: STATE_WORDS.ready,
  bindable: STATE_WORDS.needsBind,
  creatable: STATE_WORDS.creatable,
  reserved: STATE_WORDS.reserved,
  assigned: STATE_WORDS.assigned,
  inUse: STATE_WORDS.hostUse,
};
type Row = PoolCapacity["byHost"][number];
const SORT = {
  host: (r: Row) => r.host,
  numa: (r: Row) => r.numaNode,
  pfs: (r: Row) => r.pfs,
  ...(Object.fromEntries(COLS.map((c) => [c, (r: Row) => r[c]])) as Record<(typeof COLS)[number], (r: Row) => number>),
};

/** A row's NUMA node, PFs and counts, one cell each. */
function CountCells({ row: r }: { row: Row }) {
  return (
    <>
      <td>{r.numaNode ?? "?"}</td>
      <td>{r.pfs}</td>
      {COLS.map((c) => (
        <td key={c} className="font-mono">
          {r[c]}
        </td>
      ))}
    </>
  );
}

/** A host the totals leave out (offline, in maintenance): what it has, greyed or tinted, with why. */
function ApartRow({ row: r, why, testId, tone }: { row: Row; why: string; testId: string; tone: string }) {
  return (
    <tr data-testid={testId} data-host={r.host} className={`border-t border-slate-100 ${tone}`}>
      <td className="py-1 font-mono">
        {r.host} ({why}, not counted)
      </td>
      <CountCells row={r} />
    </tr>
  );
}

/** A pool's capacity by host and NUMA node; offline hosts and hosts in maintenance listed apart and never counted. */
export function CapacityTable({ capacity, testId = "pool-capacity" }: { capacity: PoolCapacity; testId?: string }) {
  const sorted = useSortedRows("pool", capacity.byHost, SORT);
  return (
    <div data-testid={testId} className="space-y-2">
      <div className="flex flex-wrap gap-x-4 text-xs" data-testid="pool-totals">
        {COLS.map((c) => (
          <span key={c} data-testid={`pool-${c}`} data-value={capacity[c]}>
            <b className="font-mono">{capacity[c]}</b> <span title={WORD[c].meaning}>{WORD[c].word}</span>
          </span>
        ))}
        <GlossaryLink />
      </div>
      <div className="relative overflow-x-auto">
        <table className="w-full text-left text-xs">
          <thead className="text-slate-500">
            <tr>
              {sorted.header("host", "host", { className: "py-1" })}
              {sorted.header("numa", "NUMA")}
              {sorted.header("pfs", "PFs")}
              {COLS.map((c) => sorted.header(c, WORD[c].word, { first: "desc" }))}
            </tr>
          </thead>
          <tbody>
            {sorted.rows.map((r) => (
              <tr
                key={`${r.host}/${r.numaNode}`}
                data-testid="capacity-row"
                data-host={r.host}
                data-numa={r.numaNode ?? ""}
                className="border-t border-slate-100"
              >
                <td className="py-1 font-mono">{r.host}</td>
                <CountCells row={r} />
              </tr>
            ))}
            {capacity.maintenance.map((r) => (
              <ApartRow
                key={`maint/${r.host}/${r.numaNode}`}
                row={r}
                why="in maintenance"
                testId="capacity-maintenance"
                tone="text-amber-800"
              />
            ))}
            {capacity.offline.map((r) => (
              <ApartRow key={`off/${r.host}/${r.numaNode}`} row={r} why="offline" testId="capacity-offline" tone="text-slate-400" />
            ))}
          </tbody>
        </table>
      </div>
      {capacity.byHost.length === 0 && capacity.offline.length === 0 && capacity.maintenance.length === 0 && (
        <p className="text-xs text-slate-500" data-testid="pool-empty">
          Nothing in the fleet matches.
        </p>
      )}
    </div>
  );
}
