"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import type { JobPreview } from "@vfleet/core";
import { readJobPrefill } from "@/lib/job-prefill.ts";
import { PreviewView } from "./preview-view.tsx";

export type ActionTargets = {
  hostId: string;
  pfs: { address: string; ifname: string | null; totalVfs: number; numVfs: number; vfs: string[] }[];
  devices: { address: string; label: string }[];
  guests: string[];
  /** Why guest changes cannot run on this host now (the agent cannot reach libvirtd), with the fix. */
  libvirtProblem?: string | null;
  /** Set when the host's agent is gone: a job would only wait, so queueing takes an explicit yes. */
  offline?: { hostName: string; since: string | null } | null;
};

const KINDS = [
  ["vf.set-count", "Set VF count"],
  ["device.bind", "Bind / unbind driver"],
  ["vf.configure", "VF MAC / VLAN / QoS / trust / spoofchk / link"],
  ["guest.attach", "Attach to guest"],
  ["guest.detach", "Detach from guest"],
  ["host.persist", "Write persistence"],
] as const;
type Kind = (typeof KINDS)[number][0];

/** Numbers as numbers; anything else as typed, so the API's 400 names the field and says why. */
const num = (text: string): unknown => (/^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text);
const tri = (v: string): boolean | undefined => (v === "on" ? true : v === "off" ? false : undefined);
const list = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

type ApiError = { error: string; field?: string; conflict?: { jobId: string } };

/**
 * Change the host: pick an action, fill it in, Preview (a dry run: exactly what the agent will
 * write), then Confirm (queues the job). The API and then the agent validate again.
 */
export function JobActionForm({ targets }: { targets: ActionTargets }) {
  const router = useRouter();
  const firstPf = targets.pfs[0];
  // A "Fix" link from the audit opens the form filled in (lib/job-prefill.ts: the URL contract).
  const prefill = readJobPrefill(useSearchParams());
  const [kind, setKind] = useState<Kind>(prefill?.kind ?? "vf.set-count");
  const [f, setF] = useState<Record<string, string>>({
    pf: firstPf?.address ?? "", count: String(firstPf?.numVfs ?? 0), device: targets.devices[0]?.address ?? "", driver: "vfio-pci", group: "",
    vf: "0", mac: "", vlan: "", qos: "", trust: "", spoofchk: "", linkState: "",
    guest: targets.guests[0] ?? "", devices: "", devKind: "hostdev", live: "", config: "on",
    vfCounts: targets.pfs.filter((p) => p.ifname && p.numVfs > 0).map((p) => `${p.ifname}=${p.numVfs}`).join("\n"), vfioIds: "", method: "sysfsd",
    ...prefill?.fields,
  });
  const [preview, setPreview] = useState<JobPreview | null>(null);
  /** The host state the preview was made against: Confirm sends it, and a changed host answers 409 with the new preview. */
  const [basis, setBasis] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<{ id: string; summary: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [queueWhileOffline, setQueueWhileOffline] = useState(false);

  const set = (key: string) => (e: { target: { value: string } }) => { setF((old) => ({ ...old, [key]: e.target.value })); setPreview(null); setError(null); };

  const buildJob = (): unknown => {
    switch (kind) {
      case "vf.set-count": return { kind, params: { pf: f.pf, count: num(f.count!) } };
      case "device.bind": return { kind, params: { device: f.device, driver: f.driver, ...(f.group === "on" ? { group: true } : {}) } };
      case "vf.configure": {
        const params: Record<string, unknown> = { pf: f.pf, vf: num(f.vf!) };
        if (f.mac) params.mac = f.mac.toLowerCase();
        if (f.vlan) params.vlan = num(f.vlan);
        if (f.qos) params.qos = num(f.qos);
        if (tri(f.trust!) !== undefined) params.trust = tri(f.trust!);
        if (tri(f.spoofchk!) !== undefined) params.spoofchk = tri(f.spoofchk!);
        if (f.linkState) params.linkState = f.linkState;
        return { kind, params };
      }
      case "guest.attach":
      case "guest.detach":
        return { kind, params: { guest: f.guest, devices: list(f.devices!).map((address) => ({ address, kind: f.devKind })), live: f.live === "on", config: f.config === "on" } };
      case "host.persist":
        return { kind, params: { vfCounts: list(f.vfCounts!).map((line) => { const [pf, count] = line.split("="); return { pf, count: num(count ?? "") }; }), vfioIds: list(f.vfioIds!), method: f.method } };
    }
  };

  const send = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/v1/jobs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ hostId: targets.hostId, job: buildJob(), dryRun, ...(!dryRun && basis ? { basis } : {}) }),
      });
      const body = await res.json();
      if (res.status === 409 && body.field === "basis") {
        // Another operator changed the host since the preview: show what it is now, confirm again.
        setError(body as ApiError); setPreview(body.previews[0] as JobPreview); setBasis(body.basis as string); router.refresh(); return;
      }
      if (!res.ok) { setError(body as ApiError); if (!dryRun) setPreview(null); return; }
      if (dryRun) { setPreview(body.preview as JobPreview); setBasis(body.basis as string); }
      else { setCreated({ id: body.job.id, summary: body.job.summary }); setPreview(null); router.refresh(); }
    } catch (err) {
      setError({ error: `the control plane did not answer: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      setBusy(false);
    }
  };

  const input = "rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs";
  const label = "flex flex-col gap-0.5 text-[11px] text-slate-500";
  const pfSelect = (
    <label className={label}>PF
      <select data-testid="job-pf" className={input} value={f.pf} onChange={set("pf")}>
        {targets.pfs.map((p) => <option key={p.address} value={p.address}>{p.address}{p.ifname ? ` ${p.ifname}` : ""} ({p.numVfs}/{p.totalVfs} VFs)</option>)}
      </select>
    </label>
  );
  const triSelect = (key: string, name: string) => (
    <label className={label}>{name}
      <select data-testid={`job-${key}`} className={input} value={f[key]} onChange={set(key)}><option value="">unchanged</option><option value="on">on</option><option value="off">off</option></select>
    </label>
  );

  return (
    <div data-testid="job-action-form" id="change-this-host" className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <label className={label}>Action
          <select data-testid="job-kind" className={input} value={kind} onChange={(e) => { setKind(e.target.value as Kind); setPreview(null); setError(null); }}>
            {KINDS.map(([k, name]) => <option key={k} value={k}>{name}</option>)}
          </select>
        </label>
        {kind === "vf.set-count" && <>{pfSelect}<label className={label}>VF count<input data-testid="job-count" className={`${input} w-20`} value={f.count} onChange={set("count")} /></label></>}
        {kind === "device.bind" && <>
          <label className={label}>Device or VF
            <select data-testid="job-device" className={input} value={f.device} onChange={set("device")}>{targets.devices.map((d) => <option key={d.address} value={d.address}>{d.label}</option>)}</select>
          </label>
          <label className={label}>Driver
            <select data-testid="job-driver" className={input} value={f.driver} onChange={set("driver")}><option value="vfio-pci">vfio-pci (for passthrough)</option><option value="host">give back to its host driver</option></select>
          </label>
          <label className="flex items-center gap-1 text-xs" title="VFIO assigns whole IOMMU groups: a GPU and its HDMI audio move together"><input data-testid="job-group" type="checkbox" checked={f.group === "on"} onChange={(e) => set("group")({ target: { value: e.target.checked ? "on" : "" } })} />whole IOMMU group</label>
        </>}
        {kind === "vf.configure" && <>
          {pfSelect}
          <label className={label}>VF #<input data-testid="job-vf" className={`${input} w-14`} value={f.vf} onChange={set("vf")} /></label>
          <label className={label}>MAC<input data-testid="job-mac" className={`${input} w-40`} placeholder="unchanged" value={f.mac} onChange={set("mac")} /></label>
          <label className={label}>VLAN<input data-testid="job-vlan" className={`${input} w-16`} placeholder="—" value={f.vlan} onChange={set("vlan")} /></label>
          <label className={label}>QoS<input data-testid="job-qos" className={`${input} w-12`} placeholder="—" value={f.qos} onChange={set("qos")} /></label>
          {triSelect("trust", "Trust")}
          {triSelect("spoofchk", "Spoof check")}
          <label className={label}>Link
            <select data-testid="job-linkState" className={input} value={f.linkState} onChange={set("linkState")}><option value="">unchanged</option><option value="auto">auto</option><option value="enable">enable</option><option value="disable">disable</option></select>
          </label>
        </>}
        {(kind === "guest.attach" || kind === "guest.detach") && <>
          <label className={label}>Guest
            <input data-testid="job-guest" list="job-guests" className={`${input} w-48`} value={f.guest} onChange={set("guest")} />
            <datalist id="job-guests">{targets.guests.map((g) => <option key={g} value={g} />)}</datalist>
          </label>
          <label className={label}>As
            <select data-testid="job-devkind" className={input} value={f.devKind} onChange={set("devKind")}><option value="hostdev">&lt;hostdev&gt;</option><option value="interface">&lt;interface type=&apos;hostdev&apos;&gt;</option></select>
          </label>
          <label className="flex items-center gap-1 text-xs"><input data-testid="job-live" type="checkbox" checked={f.live === "on"} onChange={(e) => set("live")({ target: { value: e.target.checked ? "on" : "" } })} />live (running guest)</label>
          <label className="flex items-center gap-1 text-xs"><input data-testid="job-config" type="checkbox" checked={f.config === "on"} onChange={(e) => set("config")({ target: { value: e.target.checked ? "on" : "" } })} />config (persistent)</label>
        </>}
        {kind === "host.persist" && (
          <label className={label}>Method
            <select data-testid="job-method" className={input} value={f.method} onChange={set("method")}><option value="sysfsd">/etc/sysfs.d</option><option value="udev">udev rule</option></select>
          </label>
        )}
      </div>
      {(kind === "guest.attach" || kind === "guest.detach") && (
        <label className={label}>Devices (PCI addresses, one per line or comma separated)
          <textarea data-testid="job-devices" className={`${input} h-16`} value={f.devices} onChange={set("devices")} placeholder={targets.pfs[0]?.vfs.slice(0, 2).join("\n")} />
        </label>
      )}
      {(kind === "guest.attach" || kind === "guest.detach") && targets.libvirtProblem && (
        <p data-testid="libvirt-unavailable" className="rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900">
          Guest changes need libvirtd on this host, and its agent cannot reach it: {targets.libvirtProblem}
        </p>
      )}
      {kind === "host.persist" && (
        <div className="flex flex-wrap gap-3">
          <label className={label}>VF counts at boot (ifname=count per line)<textarea data-testid="job-vfcounts" className={`${input} h-20 w-64`} value={f.vfCounts} onChange={set("vfCounts")} /></label>
          <label className={label}>vfio-pci ids (vendor:device)<textarea data-testid="job-vfioids" className={`${input} h-20 w-48`} value={f.vfioIds} onChange={set("vfioIds")} placeholder="15b3:1018" /></label>
        </div>
      )}
      <div className="flex flex-wrap items-end gap-3">
        <button data-testid="job-preview-button" disabled={busy || ((kind === "guest.attach" || kind === "guest.detach") && !!targets.libvirtProblem)} onClick={() => void send(true)} className="rounded border border-slate-300 bg-white px-3 py-1 text-xs hover:bg-slate-50 disabled:opacity-50">Preview</button>
        {preview && targets.offline && (
          <label className="flex items-center gap-1 text-xs text-amber-900" data-testid="job-offline-warning">
            <input type="checkbox" data-testid="job-queue-offline" checked={queueWhileOffline} onChange={(e) => setQueueWhileOffline(e.target.checked)} />
            {targets.offline.hostName} is offline: queue it anyway (it runs when the agent returns)
          </label>
        )}
        {preview && <button data-testid="job-confirm-button" disabled={busy || (!!targets.offline && !queueWhileOffline)} onClick={() => void send(false)} className="rounded bg-sky-700 px-3 py-1 text-xs font-medium text-white hover:bg-sky-800 disabled:opacity-50">Confirm and queue</button>}
      </div>
      {preview && <PreviewView preview={preview} />}
      {error && (
        <div data-testid="job-error" data-field={error.field ?? ""} className="rounded border border-rose-200 bg-rose-50 p-2 text-xs text-rose-800">
          {error.error}
          {error.conflict && <> — <Link className="underline" href={`/jobs/${error.conflict.jobId}`}>see that job</Link></>}
        </div>
      )}
      {created && <div data-testid="job-created" data-job-id={created.id} className="text-xs text-emerald-800">Queued: <Link className="underline" href={`/jobs/${created.id}`}>{created.summary}</Link> — it appears below as it runs.</div>}
    </div>
  );
}
