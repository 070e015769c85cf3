import type { GpuModelCounts } from "@vfleet/core";

/** `16 x Tesla V100 SXM3 32GB: 16 needs bind`, one line per model, in the model's own words from pci.ids. */
export function GpuModelCountsList({ models, testId }: { models: GpuModelCounts; testId?: string }) {
  const entries = Object.entries(models).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return (
    <ul className="space-y-0.5 text-left font-sans text-[11px] font-normal text-slate-600" data-testid={testId}>
      {entries.map(([model, c]) => {
        const split = [
          c.ready ? `${c.ready} ready` : null,
          c.needsBind ? `${c.needsBind} needs bind` : null,
          c.assigned ? `${c.assigned} assigned` : null,
        ].filter((s) => s !== null);
        return (
          <li key={model} data-testid="gpu-model" data-model={model}>
            <span className="font-medium text-slate-800">
              {c.ready + c.needsBind + c.assigned} × {model}
            </span>
            : {split.join(" · ")}
          </li>
        );
      })}
    </ul>
  );
}
