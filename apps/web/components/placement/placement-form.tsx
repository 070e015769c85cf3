"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { PlacementPreview, type PlacementView } from "./placement-preview.tsx";
import { button, input, label, num, send } from "./ui.ts";

type Candidate = { host: string; numaNode: number | null; available: number; why: string | null };

/**
 * "Give this guest VFs": pool, count, NUMA locality, spread, guest (existing or new), MACs and
 * VLAN. Preview is a dry run (nothing reserved); Confirm reserves and queues the plan.
 */
export function PlacementForm({ pools, initial }: { pools: string[]; initial: Record<string, string> }) {
  const [f, setF] = useState<Record<string, string>>({
    pool: pools[0] ?? "",
    count: "16",
    numa: "preferred",
    minPfs: "",
    maxPerPf: "",
    guest: "",
    guestHost: "",
    vcpus: "",
    memoryMiB: "",
    vlan: "",
    allocateMacs: "",
    ...initial,
  });
  const [preview, setPreview] = useState<PlacementView | null>(null);
  const [error, setError] = useState<{ error: string; field?: string; candidates?: Candidate[] } | null>(null);
  const [plan, setPlan] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: string) => (e: { target: { value: string } }) => {
    setF((o) => ({ ...o, [key]: e.target.value }));
    setPreview(null);
    setError(null);
  };

  const body = (dryRun: boolean) => ({
    pool: f.pool,
    count: num(f.count!),
    numa: f.numa,
    dryRun,
    ...(f.minPfs ? { minPfs: num(f.minPfs) } : {}),
    ...(f.maxPerPf ? { maxPerPf: num(f.maxPerPf) } : {}),
    guest: {
      name: f.guest,
      ...(f.guestHost ? { host: f.guestHost } : {}),
      ...(f.vcpus ? { vcpus: num(f.vcpus) } : {}),
      ...(f.memoryMiB ? { memoryMiB: num(f.memoryMiB) } : {}),
    },
    ...(f.vlan ? { vlan: num(f.vlan) } : {}),
    ...(f.allocateMacs === "on" ? { allocateMacs: true } : {}),
  });
  const submit = async (dryRun: boolean) => {
    setBusy(true);
    const r = await send("POST", "/api/v1/placements", body(dryRun));
    setBusy(false);
    if (r.status === 200) {
      setPreview(r.body.placement);
      setError(null);
      return;
    }
    if (r.status === 201) {
      setPlan(r.body.plan.id);
      setPreview(null);
      setError(null);
      return;
    }
    setError(r.body);
  };

  const field = (key: string, name: string, width = "w-16", placeholder = "") => (
    <label className={label}>
      {name}
      <input
        data-testid={`place-${key}`}
        className={`${input} ${width}`}
        placeholder={placeholder}
        value={f[key] ?? ""}
        onChange={set(key)}
      />
    </label>
  );
  return (
    <div data-testid="placement-form" className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <label className={label}>
          Pool
          <select data-testid="place-pool" className={input} value={f.pool} onChange={set("pool")}>
            {pools.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        {field("count", "VFs / devices")}
        <label className={label}>
          NUMA locality
          <select data-testid="place-numa" className={input} value={f.numa} onChange={set("numa")}>
            <option value="required">required</option>
            <option value="preferred">preferred</option>
            <option value="none">none</option>
          </select>
        </label>
        {field("minPfs", "at least PFs", "w-12")}
        {field("maxPerPf", "at most per PF", "w-12")}
        {field("guest", "Guest", "w-40", "existing or new name")}
        {field("guestHost", "on host", "w-28", "anywhere")}
        {field("vcpus", "vCPUs (new)", "w-12")}
        {field("memoryMiB", "MiB (new)", "w-16")}
        {field("vlan", "VLAN", "w-12")}
        <label className="flex items-center gap-1 text-xs">
          <input
            data-testid="place-allocateMacs"
            type="checkbox"
            checked={f.allocateMacs === "on"}
            onChange={(e) => set("allocateMacs")({ target: { value: e.target.checked ? "on" : "" } })}
          />
          MACs from the pool's range
        </label>
        <button type="button" data-testid="place-preview" className={button} disabled={busy} onClick={() => submit(true)}>
          Preview
        </button>
        <button type="button" data-testid="place-confirm" className={button} disabled={busy || !preview} onClick={() => submit(false)}>
          Confirm and run
        </button>
      </div>
      {error && (
        <div data-testid="place-error" data-field={error.field ?? ""} className="text-xs text-red-700">
          <p>{error.error}</p>
          {error.candidates && error.candidates.length > 0 && (
            <ul className="list-disc pl-5" data-testid="place-candidates">
              {error.candidates.map((c) => (
                <li key={`${c.host}/${c.numaNode}`}>
                  {c.host}
                  {c.numaNode !== null ? ` node ${c.numaNode}` : ""}: {c.why ?? `${c.available} available`}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {plan && (
        <p data-testid="place-created" className="text-xs text-emerald-700">
          Reserved; plan queued:{" "}
          <Link className="underline" data-testid="place-plan-link" href={`/plans/${plan}`}>
            watch it
          </Link>
          .
        </p>
      )}
      {preview && <PlacementPreview p={preview} />}
    </div>
  );
}
