"use client";

import type { DeviceTarget } from "@/lib/host-page/action-targets.ts";

/** Why the agent refuses to attach `d` to `guest` (what no policy can allow first); null when it would not. */
function attachRefusal(d: DeviceTarget, guest: string): string | null {
  const others = d.heldBy.filter((g) => g !== guest);
  return d.attachRefusal ?? d.adoptRefusal ?? (others.length > 0 ? `held by the guest ${others.join(", ")}: detach it there first` : null);
}

/**
 * The attach/detach form's devices as checkboxes, each marked with the agent's refusal (attach:
 * a bridge, a PF with VFs, host traffic, not adopted, held by another guest; refused ones are
 * disabled unless already picked, so unpicking stays possible) and the IOMMU group members a
 * guest must take with it. Detach lists the guest's own devices. The text field beside it
 * stays the record: picking writes into it, and addresses not listed can still be typed there.
 */
export function DevicePickList({
  devices,
  guest,
  attach,
  picked,
  onToggle,
}: {
  devices: DeviceTarget[];
  guest: string;
  attach: boolean;
  picked: ReadonlySet<string>;
  onToggle: (address: string, on: boolean) => void;
}) {
  const shown = attach ? devices : devices.filter((d) => d.heldBy.includes(guest));
  return (
    <fieldset data-testid="job-device-picks" className="flex min-w-0 max-w-full flex-col gap-0.5">
      <legend className="text-[11px] text-slate-600">
        {attach ? "Pick devices to attach" : `Pick devices of ${guest || "the guest"} to detach`}
      </legend>
      {shown.length === 0 ? (
        <p className="text-[11px] text-slate-600">
          {attach ? "No devices in this inventory." : `No device of ${guest || "this guest"} in this inventory: type its address below.`}
        </p>
      ) : (
        <ul className="max-h-48 max-w-full overflow-auto rounded border border-slate-300 bg-white p-1">
          {shown.map((d) => {
            const refusal = attach ? attachRefusal(d, guest) : null;
            const on = picked.has(d.address);
            const note = attach && !refusal ? d.groupNote : null;
            return (
              <li key={d.address}>
                <label
                  data-testid="job-device-pick"
                  data-address={d.address}
                  data-refused={refusal ? "true" : undefined}
                  className="flex items-start gap-1 font-mono text-xs"
                >
                  <input type="checkbox" checked={on} disabled={!!refusal && !on} onChange={(e) => onToggle(d.address, e.target.checked)} />
                  <span>
                    {d.label}
                    {refusal ? <span className="text-rose-800"> — the agent refuses: {refusal}</span> : null}
                    {note ? <span className="text-amber-900"> — {note}</span> : null}
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </fieldset>
  );
}
