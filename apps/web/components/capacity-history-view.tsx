import Link from "next/link";
import type { CapacityHistory } from "@/lib/load-capacity-history.ts";
import { HISTORY_RANGES } from "@/lib/capacity-history-query.ts";
import { CapacityChart } from "./capacity-chart.tsx";

const COLUMNS = [
  ["created", "VFs"],
  ["assigned", "Assigned"],
  ["ready", "Ready"],
  ["needsBind", "Needs bind"],
  ["devices", "Devices"],
  ["devicesReady", "Devices ready"],
  ["devicesAssigned", "Devices assigned"],
] as const;

/**
 * A capacity history as a chart and, for screen readers and for copying figures, the same points
 * as a table (only the rows where something changed, so a quiet month is a few lines).
 */
export function CapacityHistoryView({ history, basePath }: { history: CapacityHistory; basePath: string }) {
  const hours = history.sinceFirstReport ? null : history.hours;
  const points = history.points.map((p) => ({ ...p, at: p.at.toISOString() }));
  const changed = points.filter((p, i) => i === 0 || COLUMNS.some(([k]) => p[k] !== points[i - 1]![k]));
  const last = points[points.length - 1]!;
  return (
    <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" data-testid="capacity-history">
      <div className="flex flex-wrap items-center gap-3 text-xs">
        <Link
          href={basePath}
          aria-current={hours === null ? "page" : undefined}
          className={hours === null ? "font-semibold" : "text-sky-700 hover:underline"}
          data-testid="range-auto"
        >
          {history.hours < 24 ? "Since the first report" : "Last 24 hours"}
        </Link>
        <span className="text-slate-500">Last</span>
        {HISTORY_RANGES.map((r) => (
          <Link
            key={r.hours}
            href={`${basePath}?hours=${r.hours}`}
            aria-current={r.hours === hours ? "page" : undefined}
            className={r.hours === hours ? "font-semibold" : "text-sky-700 hover:underline"}
            data-testid={`range-${r.hours}`}
          >
            {r.label}
          </Link>
        ))}
        <span className="ml-auto text-slate-500" data-testid="capacity-window">
          <time dateTime={history.from.toISOString()}>{history.from.toISOString().slice(0, 16).replace("T", " ")}</time> to{" "}
          <time dateTime={history.to.toISOString()}>{history.to.toISOString().slice(0, 16).replace("T", " ")}</time> UTC
        </span>
      </div>
      <figure>
        <CapacityChart points={points} spanHours={history.hours} />
        <figcaption className="mt-1 text-xs text-slate-600" data-testid="capacity-now">
          Now: {last.created} VFs ({last.assigned} assigned, {last.ready} ready, {last.needsBind} needs bind) and {last.devices} passthrough
          devices ({last.devicesReady} ready, {last.devicesAssigned} assigned). Each point is the state at its time; the table lists the
          points where something changed.
        </figcaption>
      </figure>
      <details className="text-xs">
        <summary className="cursor-pointer text-sky-700">
          The same numbers as a table ({changed.length} row{changed.length === 1 ? "" : "s"})
        </summary>
        <table className="mt-2 w-full text-left" data-testid="capacity-table">
          <thead className="text-[11px] uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="py-1 font-medium">
                Time (UTC)
              </th>
              {COLUMNS.map(([k, label]) => (
                <th key={k} scope="col" className="py-1 text-right font-medium">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {changed.map((p) => (
              <tr key={p.at} data-testid="capacity-row">
                <td className="py-1 font-mono">{p.at.slice(0, 16).replace("T", " ")}</td>
                {COLUMNS.map(([k]) => (
                  <td key={k} className="py-1 text-right font-mono tabular-nums">
                    {p[k]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
