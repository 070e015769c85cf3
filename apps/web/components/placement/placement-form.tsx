"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { PlacementPreview, type PlacementView } from "./placement-preview.tsx";
import { button, input, label, num, send } from "./ui.ts";

type Candidate = { host: string; numaNode: number | null; available: number; why: string | null };
type Refusal = {
  error: string;
  field?: string;
  candidates?: Candidate[];
  /** What ports without link would give (link: "any"). */
  withoutLink?: { fits: boolean; host: string | null; available: number };
  /** A confirm found the fleet moved: what changed (the new preview replaces the old one). */
  changes?: string[];
};

/**
 * "Give this guest VFs": pool, count, NUMA locality, ports with link or any, spread, guest
 * (existing or new), MACs and VLAN. Preview is a dry run (nothing reserved); Confirm runs
 * exactly that preview (its id), or shows what changed and the new preview to confirm instead.
 */
export function PlacementForm({
  pools,
  strategies = {},
  initial,
}: {
  pools: string[];
  /** Each pool's default strategy (what "the pool's default" means for the chosen pool). */
  strategies?: Record<string, string | null>;
  initial: Record<string, string>;
}) {
  const [f, setF] = useState<Record<string, string>>({
    pool: pools[0] ?? "",
    count: "16",
    numa: "preferred",
    link: "up",
    strategy: "",
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
  const [error, setError] = useState<Refusal | null>(null);
  const [plan, setPlan] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: string) => (e: { target: { value: string } }) => {
    setF((o) => ({ ...o, [key]: e.target.value }));
    setPreview(null);
    setError(null);
  };

  const body = (dryRun: boolean, o: Record<string, string> = f) => ({
    pool: o.pool,
    count: num(o.count!),
    numa: o.numa,
    link: o.link,
    ...(o.strategy ? { strategy: o.strategy } : {}),
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
  /** Preview (dry run), or confirm the preview on screen by its id: never a new placement behind the operator's back. */
  const submit = async (dryRun: boolean, o: Record<string, string> = f) => {
    setBusy(true);
    const r = await send("POST", "/api/v1/placements", dryRun || !preview?.id ? body(dryRun, o) : { confirm: preview.id });
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
    // A confirm whose VFs moved: show what changed and the new preview, which the operator confirms in turn.
    setPreview(r.body.placement ?? null);
    setError(r.body);
  };
  const useAnyLink = () => {
    const o = { ...f, link: "any" };
    setF(o);
    void submit(true, o);
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
        <label className={label}>
          Ports
          <select data-testid="place-link" className={input} value={f.link} onChange={set("link")}>
            <option value="up">with link only</option>
            <option value="any">any (also without carrier)</option>
          </select>
        </label>
        <label className={label}>
          Host choice
          <select data-testid="place-strategy" className={input} value={f.strategy} onChange={set("strategy")}>
            <option value="">
              {strategies[f.pool!] ? `the pool's default: ${strategies[f.pool!]}` : "fewest jobs (the pool's default)"}
            </option>
            <option value="pack">pack (busiest host that fits)</option>
            <option value="spread">spread (freest host)</option>
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
          {error.changes && error.changes.length > 0 && (
            <ul className="list-disc pl-5" data-testid="place-changes">
              {error.changes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          )}
          {error.withoutLink && error.withoutLink.available > 0 && f.link !== "any" && (
            <p data-testid="place-without-link" className="text-slate-700">
              On ports without link (no carrier: their VFs reach no network until cabled),{" "}
              {error.withoutLink.fits
                ? `the request fits on ${error.withoutLink.host}.`
                : `${error.withoutLink.host} could give ${error.withoutLink.available}.`}{" "}
              <button type="button" data-testid="place-use-any-link" className={button} disabled={busy} onClick={useAnyLink}>
                Preview with link: any
              </button>
            </p>
          )}
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
