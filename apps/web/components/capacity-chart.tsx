"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface ChartPoint {
  at: string;
  ready: number;
  needsBind: number;
  assigned: number;
  devices: number;
}

/** Series in the VF grid's own colours (globals.css), so a colour means one thing across pages and schemes. */
const SERIES = [
  { key: "assigned", name: "VFs assigned", color: "var(--color-vf-assigned)" },
  { key: "ready", name: "VFs ready (vfio-pci, free)", color: "var(--color-vf-vfio)" },
  { key: "needsBind", name: "VFs: needs bind", color: "var(--color-vf-host-driver)" },
  { key: "devices", name: "Passthrough devices", color: "var(--color-sky-700)" },
] as const;

const tick = (at: string, spanHours: number) => {
  const iso = new Date(at).toISOString();
  return spanHours <= 1
    ? iso.slice(11, 19)
    : spanHours <= 24
      ? iso.slice(11, 16)
      : spanHours <= 24 * 7
        ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h`
        : iso.slice(5, 10);
};

/**
 * Capacity over time as step lines (a count holds until the next change). recharts draws SVG, so
 * the chart scales, prints and reads in the page's colours; its accessibility layer lets a
 * keyboard walk the points. The same numbers are in a table beside it (CapacityHistoryView).
 */
export function CapacityChart({ points, spanHours }: { points: ChartPoint[]; spanHours: number }) {
  return (
    <div className="h-64 w-full" data-testid="capacity-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer>
          <CartesianGrid stroke="var(--color-slate-200)" strokeDasharray="3 3" />
          <XAxis
            dataKey="at"
            tickFormatter={(v: string) => tick(v, spanHours)}
            stroke="var(--color-slate-500)"
            fontSize={11}
            minTickGap={24}
          />
          <YAxis allowDecimals={false} stroke="var(--color-slate-500)" fontSize={11} width={40} />
          <Tooltip
            labelFormatter={(v) => `${new Date(String(v)).toISOString().replace("T", " ").slice(0, 16)} UTC`}
            contentStyle={{ background: "var(--color-white)", borderColor: "var(--color-slate-200)", fontSize: 12 }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {SERIES.map((s) => (
            <Line
              key={s.key}
              type="stepAfter"
              dataKey={s.key}
              name={s.name}
              stroke={s.color}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
