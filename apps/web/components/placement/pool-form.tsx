"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { PoolCapacity } from "@vfleet/core";
import type { FleetChoices, FleetModel } from "@/lib/placement/fleet-choices.ts";
import { CapacityTable } from "./capacity-table.tsx";
import { button, input, label, num, send } from "./ui.ts";

export type PoolFormValues = {
  name: string;
  kind: string;
  vendorId: string;
  deviceId: string;
  driver: string;
  pfNames: string;
  hostLabels: string;
  numaNode: string;
  macFrom: string;
  macTo: string;
  /** "" (fewest jobs), "pack" or "spread": what placements that name no strategy do. */
  strategy: string;
};

const EMPTY: PoolFormValues = {
  name: "",
  kind: "vf",
  vendorId: "",
  deviceId: "",
  driver: "",
  pfNames: "",
  hostLabels: "",
  numaNode: "",
  macFrom: "",
  macTo: "",
  strategy: "",
};
const words = (t: string) =>
  t
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function selectorOf(f: PoolFormValues): Record<string, unknown> {
  const labels = Object.fromEntries(
    words(f.hostLabels)
      .map((kv) => kv.split("=") as [string, string])
      .map(([k, v]) => [k, v ?? ""]),
  );
  return {
    kind: f.kind,
    ...(f.vendorId ? { vendorId: f.vendorId } : {}),
    ...(f.deviceId ? { deviceId: f.deviceId } : {}),
    ...(f.driver ? { driver: f.driver } : {}),
    ...(f.pfNames ? { pfNames: words(f.pfNames) } : {}),
    ...(f.hostLabels ? { hostLabels: labels } : {}),
    ...(f.numaNode ? { numaNode: num(f.numaNode) } : {}),
  };
}

/**
 * Create or edit a pool: the model is chosen by name from what the fleet has (its ids can still
 * be typed), host labels and PF names are offered from those in use. While typing, the selector is previewed against the fleet (what it
 * matches now, by host and NUMA node) without saving anything.
 */
const modelText = (m: FleetModel) =>
  m.kind === "vf"
    ? `${m.name} (${m.vendorId}:${m.deviceId}) · ${m.count} PF${m.count === 1 ? "" : "s"}, up to ${m.vfs} VFs, on ${m.hosts} host${m.hosts === 1 ? "" : "s"}`
    : `${m.name} (${m.vendorId}:${m.deviceId}) · ${m.count} on ${m.hosts} host${m.hosts === 1 ? "" : "s"}`;

export function PoolForm({ initial, editing, choices }: { initial?: PoolFormValues; editing?: boolean; choices: FleetChoices }) {
  const router = useRouter();
  const [f, setF] = useState<PoolFormValues>(initial ?? EMPTY);
  const [preview, setPreview] = useState<PoolCapacity | null>(null);
  const [error, setError] = useState<{ error: string; field?: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  // A new pool's empty form is not wrong yet: no preview (and no error) until the operator has typed.
  const [touched, setTouched] = useState(Boolean(initial));
  const set = (key: keyof PoolFormValues) => (e: { target: { value: string } }) => {
    setF((o) => ({ ...o, [key]: e.target.value }));
    setSaved(null);
    setTouched(true);
  };

  useEffect(() => {
    if (!touched) return;
    // An answer for a selector the operator has since changed must not overwrite the newer one's.
    let current = true;
    const timer = setTimeout(() => {
      void send("POST", "/api/v1/pools/preview", { selector: selectorOf(f) }).then((r) => {
        if (!current) return;
        if (r.status === 200) {
          setPreview(r.body);
          setError(null);
        } else {
          setPreview(null);
          setError(r.body);
        }
      });
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [f, touched]);

  const save = async () => {
    const body = {
      name: f.name,
      selector: selectorOf(f),
      macRange: f.macFrom || f.macTo ? { from: f.macFrom, to: f.macTo } : null,
      strategy: f.strategy === "pack" || f.strategy === "spread" ? f.strategy : null,
    };
    const r = await send(editing ? "PUT" : "POST", editing ? `/api/v1/pools/${encodeURIComponent(f.name)}` : "/api/v1/pools", body);
    if (r.status === 200 || r.status === 201) {
      setSaved(r.body.pool.name);
      setError(null);
      router.refresh();
    } else setError(r.body);
  };

  const models = choices.models.filter((m) => m.kind === f.kind);
  const typedIds = `${f.vendorId}:${f.deviceId}`;
  const modelValue = f.vendorId === "" && f.deviceId === "" ? "" : typedIds;
  const knownModel = models.some((m) => `${m.vendorId}:${m.deviceId}` === typedIds);
  const lists: Partial<Record<keyof PoolFormValues, readonly string[]>> = { hostLabels: choices.hostLabels, pfNames: choices.pfNames };

  const field = (key: keyof PoolFormValues, name: string, width = "w-28", placeholder = "") => (
    <label className={label}>
      {name}
      <input
        data-testid={`pool-${key}`}
        className={`${input} ${width}`}
        placeholder={placeholder}
        value={f[key]}
        onChange={set(key)}
        disabled={editing && key === "name"}
        list={lists[key]?.length ? `pool-${key}-choices` : undefined}
      />
      {lists[key]?.length ? (
        <datalist id={`pool-${key}-choices`} data-testid={`pool-${key}-choices`}>
          {lists[key].map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
      ) : null}
    </label>
  );
  return (
    <div data-testid="pool-form" className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        {field("name", "Name", "w-32", "cx5-fabric")}
        <label className={label}>
          Gives
          <select data-testid="pool-kind" className={input} value={f.kind} onChange={set("kind")}>
            <option value="vf">SR-IOV VFs of matching PFs</option>
            <option value="device">whole devices (with their IOMMU group)</option>
          </select>
        </label>
        <label className={`${label} min-w-0 max-w-full`}>
          Model
          <select
            data-testid="pool-model"
            className={`${input} w-full sm:max-w-md`}
            value={modelValue}
            onChange={(e) => {
              const [vendorId = "", deviceId = ""] = e.target.value.split(":");
              setF((o) => ({ ...o, vendorId, deviceId }));
              setSaved(null);
              setTouched(true);
            }}
          >
            <option value="">any model</option>
            {models.map((m) => (
              <option key={`${m.vendorId}:${m.deviceId}`} value={`${m.vendorId}:${m.deviceId}`}>
                {modelText(m)}
              </option>
            ))}
            {modelValue !== "" && !knownModel && <option value={typedIds}>ids typed below ({typedIds}), not in the fleet now</option>}
          </select>
        </label>
        {field("vendorId", "Vendor id", "w-16", "15b3")}
        {field("deviceId", "Device id", "w-16", "1017")}
        {field("driver", "Driver", "w-24", "mlx5_core")}
        {field("pfNames", "PF names", "w-36", "enp134s0f0 ...")}
        {field("hostLabels", "Host labels", "w-40", "fabric=roce rack=r12")}
        {field("numaNode", "NUMA node", "w-12")}
        {field("macFrom", "MACs from", "w-36", "02:00:00:00:00:00")}
        {field("macTo", "MACs to", "w-36", "02:00:00:00:ff:ff")}
        <label className={label}>
          Placements
          <select data-testid="pool-strategy" className={input} value={f.strategy} onChange={set("strategy")}>
            <option value="">fewest jobs (no strategy)</option>
            <option value="pack">pack: fill the busiest host that fits</option>
            <option value="spread">spread: take the freest host</option>
          </select>
        </label>
        <button type="button" data-testid="pool-save" className={button} onClick={save}>
          {editing ? "Save pool" : "Create pool"}
        </button>
      </div>
      {error && (
        <p data-testid="pool-error" data-field={error.field ?? ""} className="text-xs text-rose-700">
          {error.error}
        </p>
      )}
      {saved && (
        <p data-testid="pool-saved" className="text-xs text-emerald-700">
          Pool {saved} saved.
        </p>
      )}
      <div className="rounded border border-dashed border-slate-200 p-3" data-testid="pool-preview">
        <p className="mb-2 text-[11px] text-slate-500">
          {saved
            ? `What pool ${saved} matches now:`
            : touched
              ? `What this selector matches now (a preview: nothing is saved until you ${editing ? "save" : "create"} the pool):`
              : "Choose a model or type a selector to see what it matches in the fleet now."}
        </p>
        {preview && <CapacityTable capacity={preview} testId="pool-preview-capacity" />}
      </div>
    </div>
  );
}
