"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { JobPreview } from "@vfleet/core";
import type { ActionTargets } from "@/lib/host-page/action-targets.ts";
import { toFieldError, type FormField } from "@/lib/jobs/field-error.ts";
import { JOB_KINDS, NEEDS_PF, type JobKind } from "./job-kinds.ts";
import { useJobPrefill } from "./job-prefill.tsx";
import { readJobPrefill } from "@/lib/job-prefill.ts";
import { PreviewView } from "./preview-view.tsx";
import { DevicePickList } from "./device-pick-list.tsx";

export type { ActionTargets };

/** Numbers as numbers; anything else as typed, so the API's 400 names the field and says why. */
const num = (text: string): unknown => (/^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text);
const tri = (v: string): boolean | undefined => (v === "on" ? true : v === "off" ? false : undefined);
const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** An answer that belongs to no single field: a conflict with another job, a changed host, no answer at all. */
type FormError = { message: string; conflict?: { jobId: string } };

/**
 * Change the host: pick an action, fill it in, Preview (a dry run: exactly what the agent will
 * write), then Confirm (queues the job). The API and then the agent validate again; their answers
 * appear beside the field they name, and a failed Confirm keeps the preview. Devices and PFs the
 * agent would refuse are marked in the lists, and Confirm is withheld when the preview predicts a
 * refusal.
 */
export function JobActionForm({ targets }: { targets: ActionTargets }) {
  const router = useRouter();
  const { prefill } = useJobPrefill();
  const rootRef = useRef<HTMLDivElement>(null);
  const kindRef = useRef<HTMLSelectElement>(null);
  const hasPfs = targets.pfs.length > 0;
  const firstPf = targets.pfs.find((p) => !p.setCountRefusal && !p.adoptRefusal) ?? targets.pfs[0];
  // A "Fix" link from the audit opens the form filled in (lib/job-prefill.ts: the URL contract).
  const urlPrefill = readJobPrefill(useSearchParams());
  const [kind, setKind] = useState<JobKind>(urlPrefill?.kind ?? (hasPfs ? "vf.set-count" : "device.bind"));
  const [f, setF] = useState<Record<string, string>>({
    pf: firstPf?.address ?? "",
    count: String(firstPf?.numVfs ?? 0),
    device: (targets.devices.find((d) => !d.vfioRefusal && !d.adoptRefusal) ?? targets.devices[0])?.address ?? "",
    driver: "vfio-pci",
    group: "",
    vf: "0",
    mac: "",
    vlan: "",
    qos: "",
    trust: "",
    spoofchk: "",
    linkState: "",
    guest: targets.guests[0] ?? "",
    devices: "",
    devKind: "hostdev",
    live: "",
    config: "on",
    vfCounts: targets.pfs
      .filter((p) => p.ifname && p.numVfs > 0)
      .map((p) => `${p.ifname}=${p.numVfs}`)
      .join("\n"),
    vfioIds: "",
    method: "sysfsd",
    ...urlPrefill?.fields,
  });
  const [preview, setPreview] = useState<JobPreview | null>(null);
  /** The host state the preview was made against: Confirm sends it, and a changed host answers 409 with the new preview. */
  const [basis, setBasis] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FormField, string>>>({});
  const [formError, setFormError] = useState<FormError | null>(null);
  const [created, setCreated] = useState<{ id: string; summary: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [queueWhileOffline, setQueueWhileOffline] = useState(false);

  const clear = () => {
    setPreview(null);
    setFieldErrors({});
    setFormError(null);
  };
  const set = (key: string) => (e: { target: { value: string } }) => {
    setF((old) => ({ ...old, [key]: e.target.value }));
    clear();
  };

  // A VF's panel asked for a change: take it over, and bring the form to the operator.
  useEffect(() => {
    if (!prefill) return;
    setKind(prefill.kind);
    setF((old) => ({ ...old, ...prefill.fields }));
    clear();
    setCreated(null);
    rootRef.current?.scrollIntoView({ block: "start" });
    kindRef.current?.focus();
  }, [prefill]);

  /**
   * Why the agent refuses this bind: vfio-pci's own checks, then its policy's adoption of the
   * device (only when the bind would change it: one already where it is sent is left alone).
   */
  const bindRefusal = (d: ActionTargets["devices"][number] | undefined) => {
    if (!d) return null;
    if (f.driver !== "vfio-pci") return d.driver === "vfio-pci" || d.driver === null ? d.adoptRefusal : null;
    return (f.group === "on" ? d.groupRefusal : d.vfioRefusal) ?? (d.driver !== "vfio-pci" ? d.adoptRefusal : null);
  };
  const deviceRefusal = kind === "device.bind" ? bindRefusal(targets.devices.find((d) => d.address === f.device)) : null;
  const selectedPf = targets.pfs.find((p) => p.address === f.pf);
  const pfRefusal =
    kind === "vf.set-count" || kind === "vf.configure"
      ? (selectedPf?.adoptRefusal ?? (kind === "vf.set-count" ? selectedPf?.setCountRefusal : null) ?? null)
      : null;
  const picked = new Set(list(f.devices!));
  const togglePick = (address: string, on: boolean) => {
    const now = list(f.devices!).filter((a) => a !== address);
    set("devices")({ target: { value: (on ? [...now, address] : now).join("\n") } });
  };

  const buildJob = (): unknown => {
    switch (kind) {
      case "vf.set-count":
        return { kind, params: { pf: f.pf, count: num(f.count!) } };
      case "device.bind":
        return { kind, params: { device: f.device, driver: f.driver, ...(f.group === "on" ? { group: true } : {}) } };
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
        return {
          kind,
          params: {
            guest: f.guest,
            devices: list(f.devices!).map((address) => ({ address, kind: f.devKind })),
            live: f.live === "on",
            config: f.config === "on",
          },
        };
      case "host.persist":
        return {
          kind,
          params: {
            vfCounts: list(f.vfCounts!).map((line) => {
              const [pf, count] = line.split("=");
              return { pf, count: num(count ?? "") };
            }),
            vfioIds: list(f.vfioIds!),
            method: f.method,
          },
        };
    }
  };

  const showError = (body: { error?: string; field?: string; conflict?: { jobId: string } }, status: number) => {
    if (status === 401) {
      setFormError({ message: "You are signed out: sign in again, then Confirm (the preview stays)." });
      return;
    }
    if (status === 403) {
      setFormError({ message: "Your role may not change hosts: an operator or admin has to confirm this." });
      return;
    }
    const e = toFieldError(body.error ?? `the control plane answered ${status}`, body.field);
    if (e.field && !body.conflict) setFieldErrors({ [e.field]: e.message });
    else setFormError({ message: e.message, ...(body.conflict ? { conflict: body.conflict } : {}) });
  };

  const send = async (dryRun: boolean) => {
    setBusy(true);
    setFieldErrors({});
    setFormError(null);
    try {
      const res = await fetch("/api/v1/jobs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ hostId: targets.hostId, job: buildJob(), dryRun, ...(!dryRun && basis ? { basis } : {}) }),
      });
      const body = await res.json().catch(() => ({}));
      if (res.status === 409 && body.field === "basis") {
        // Another operator changed the host since the preview: show what it is now, confirm again.
        showError(body, res.status);
        setPreview(body.previews[0] as JobPreview);
        setBasis(body.basis as string);
        router.refresh();
        return;
      }
      // A failed Confirm keeps the preview: the operator fixes what the answer names and confirms again.
      if (!res.ok) {
        showError(body, res.status);
        return;
      }
      if (dryRun) {
        setPreview(body.preview as JobPreview);
        setBasis(body.basis as string);
      } else {
        setCreated({ id: body.job.id, summary: body.job.summary });
        setPreview(null);
        router.refresh();
      }
    } catch (err) {
      setFormError({ message: `the control plane did not answer: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      setBusy(false);
    }
  };

  const input = "rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs aria-[invalid=true]:border-rose-600";
  const label = "flex flex-col gap-0.5 text-[11px] text-slate-600";
  /** The props that tie a control to its error text for screen readers. */
  const a11y = (key: FormField) => (fieldErrors[key] ? { "aria-invalid": true as const, "aria-describedby": `job-err-${key}` } : {});
  /** One field: its label and control, and beside it the API's answer about it in plain words. */
  const field = (key: FormField, name: string, control: ReactNode, extra?: ReactNode) => (
    <div className="flex max-w-full flex-col gap-0.5">
      <label className={label}>
        {name}
        {control}
      </label>
      {fieldErrors[key] && (
        <p id={`job-err-${key}`} data-testid={`field-error-${key}`} className="max-w-md text-[11px] text-rose-800">
          {fieldErrors[key]}
        </p>
      )}
      {extra}
    </div>
  );
  const pfSelect = (markSetCount: boolean) =>
    field(
      "pf",
      "PF",
      <select data-testid="job-pf" className={`${input} max-w-full`} value={f.pf} onChange={set("pf")} {...a11y("pf")}>
        {targets.pfs.map((p) => {
          const refusal = p.adoptRefusal ?? (markSetCount ? p.setCountRefusal : null);
          return (
            <option key={p.address} value={p.address} disabled={!!refusal}>
              {p.address}
              {p.ifname ? ` ${p.ifname}` : ""} ({p.numVfs}/{p.totalVfs} VFs){refusal ? ` — the agent refuses: ${refusal}` : ""}
            </option>
          );
        })}
      </select>,
      pfRefusal ? (
        <p data-testid="job-pf-refusal" className="max-w-md text-[11px] text-rose-800">
          The agent refuses {markSetCount ? "a new VF count" : "to configure VFs"} here: {pfRefusal}
        </p>
      ) : null,
    );
  const triSelect = (key: "trust" | "spoofchk", name: string) =>
    field(
      key,
      name,
      <select data-testid={`job-${key}`} className={input} value={f[key]} onChange={set(key)} {...a11y(key)}>
        <option value="">unchanged</option>
        <option value="on">on</option>
        <option value="off">off</option>
      </select>,
    );
  const checkbox = (key: "group" | "live" | "config", text: string, title?: string) => (
    <label className="flex items-center gap-1 text-xs" title={title}>
      <input
        data-testid={`job-${key}`}
        type="checkbox"
        checked={f[key] === "on"}
        onChange={(e) => set(key)({ target: { value: e.target.checked ? "on" : "" } })}
      />
      {text}
    </label>
  );
  const guestKind = kind === "guest.attach" || kind === "guest.detach";
  const blocked = deviceRefusal ?? pfRefusal;
  const refusals = preview?.refusals ?? [];

  return (
    <div data-testid="job-action-form" id="change-this-host" ref={rootRef} className="min-w-0 scroll-mt-4 space-y-3">
      <div className="flex flex-wrap items-start gap-3">
        {field(
          "kind",
          "Action",
          <select
            data-testid="job-kind"
            ref={kindRef}
            className={`${input} max-w-full`}
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as JobKind);
              clear();
            }}
            {...a11y("kind")}
          >
            {JOB_KINDS.map(([k, name]) => (
              <option key={k} value={k} disabled={!hasPfs && NEEDS_PF.has(k)}>
                {name}
                {!hasPfs && NEEDS_PF.has(k) ? " (no SR-IOV PF on this host)" : ""}
              </option>
            ))}
          </select>,
        )}
        {kind === "vf.set-count" && (
          <>
            {pfSelect(true)}
            {field(
              "count",
              "VF count",
              <input data-testid="job-count" className={`${input} w-20`} value={f.count} onChange={set("count")} {...a11y("count")} />,
            )}
          </>
        )}
        {kind === "device.bind" && (
          <>
            {field(
              "device",
              "Device or VF",
              <select
                data-testid="job-device"
                className={`${input} max-w-full`}
                value={f.device}
                onChange={set("device")}
                {...a11y("device")}
              >
                {targets.devices.map((d) => {
                  const refusal = bindRefusal(d);
                  return (
                    <option key={d.address} value={d.address} disabled={!!refusal && d.address !== f.device}>
                      {d.label}
                      {refusal ? ` — the agent refuses: ${refusal}` : ""}
                    </option>
                  );
                })}
              </select>,
              deviceRefusal ? (
                <p data-testid="job-device-refusal" className="max-w-md text-[11px] text-rose-800">
                  The agent refuses {f.driver === "vfio-pci" ? "to give this to vfio-pci" : "to give this back"}: {deviceRefusal}
                </p>
              ) : null,
            )}
            {field(
              "driver",
              "Driver",
              <select data-testid="job-driver" className={input} value={f.driver} onChange={set("driver")} {...a11y("driver")}>
                <option value="vfio-pci">vfio-pci (for passthrough)</option>
                <option value="host">give back to its host driver</option>
              </select>,
            )}
            <div className="self-end">
              {checkbox("group", "whole IOMMU group", "VFIO assigns whole IOMMU groups: a GPU and its HDMI audio move together")}
            </div>
          </>
        )}
        {kind === "vf.configure" && (
          <>
            {pfSelect(false)}
            {field(
              "vf",
              "VF #",
              <input data-testid="job-vf" className={`${input} w-14`} value={f.vf} onChange={set("vf")} {...a11y("vf")} />,
            )}
            {field(
              "mac",
              "MAC",
              <input
                data-testid="job-mac"
                className={`${input} w-40`}
                placeholder="unchanged"
                value={f.mac}
                onChange={set("mac")}
                {...a11y("mac")}
              />,
            )}
            {field(
              "vlan",
              "VLAN",
              <input
                data-testid="job-vlan"
                className={`${input} w-16`}
                placeholder="—"
                value={f.vlan}
                onChange={set("vlan")}
                {...a11y("vlan")}
              />,
            )}
            {field(
              "qos",
              "QoS",
              <input
                data-testid="job-qos"
                className={`${input} w-12`}
                placeholder="—"
                value={f.qos}
                onChange={set("qos")}
                {...a11y("qos")}
              />,
            )}
            {triSelect("trust", "Trust")}
            {triSelect("spoofchk", "Spoof check")}
            {field(
              "linkState",
              "Link",
              <select data-testid="job-linkState" className={input} value={f.linkState} onChange={set("linkState")} {...a11y("linkState")}>
                <option value="">unchanged</option>
                <option value="auto">auto</option>
                <option value="enable">enable</option>
                <option value="disable">disable</option>
              </select>,
            )}
          </>
        )}
        {guestKind && (
          <>
            {field(
              "guest",
              "Guest",
              <>
                <input
                  data-testid="job-guest"
                  list="job-guests"
                  className={`${input} w-48 max-w-full`}
                  value={f.guest}
                  onChange={set("guest")}
                  {...a11y("guest")}
                />
                <datalist id="job-guests">
                  {targets.guests.map((g) => (
                    <option key={g} value={g} />
                  ))}
                </datalist>
              </>,
            )}
            {field(
              "devKind",
              "As",
              <select data-testid="job-devkind" className={input} value={f.devKind} onChange={set("devKind")}>
                <option value="hostdev">&lt;hostdev&gt;</option>
                <option value="interface">&lt;interface type=&apos;hostdev&apos;&gt;</option>
              </select>,
            )}
            <div className="flex flex-col gap-1 self-end">
              {checkbox("live", "live (running guest)")}
              {checkbox("config", "config (persistent)")}
            </div>
          </>
        )}
        {kind === "host.persist" &&
          field(
            "method",
            "Method",
            <select data-testid="job-method" className={input} value={f.method} onChange={set("method")}>
              <option value="sysfsd">/etc/sysfs.d</option>
              <option value="udev">udev rule</option>
            </select>,
          )}
      </div>
      {guestKind && (
        <DevicePickList devices={targets.devices} guest={f.guest!} attach={kind === "guest.attach"} picked={picked} onToggle={togglePick} />
      )}
      {guestKind &&
        field(
          "devices",
          "Devices (PCI addresses, one per line or comma separated; picked ones appear here, others can be typed)",
          <textarea
            data-testid="job-devices"
            className={`${input} h-16`}
            value={f.devices}
            onChange={set("devices")}
            placeholder={targets.pfs[0]?.vfs.slice(0, 2).join("\n")}
            {...a11y("devices")}
          />,
        )}
      {guestKind && targets.libvirtProblem && (
        <p data-testid="libvirt-unavailable" className="rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900">
          Guest changes need libvirtd on this host, and its agent cannot reach it: {targets.libvirtProblem}
        </p>
      )}
      {kind === "host.persist" && (
        <div className="flex flex-wrap gap-3">
          {field(
            "vfCounts",
            "VF counts at boot (ifname=count per line)",
            <textarea
              data-testid="job-vfcounts"
              className={`${input} h-20 w-64 max-w-full`}
              value={f.vfCounts}
              onChange={set("vfCounts")}
              {...a11y("vfCounts")}
            />,
          )}
          {field(
            "vfioIds",
            "vfio-pci ids (vendor:device)",
            <textarea
              data-testid="job-vfioids"
              className={`${input} h-20 w-48 max-w-full`}
              value={f.vfioIds}
              onChange={set("vfioIds")}
              placeholder="15b3:1018"
              {...a11y("vfioIds")}
            />,
          )}
        </div>
      )}
      <div className="flex flex-wrap items-end gap-3">
        <button
          data-testid="job-preview-button"
          disabled={busy || !!blocked || (guestKind && !!targets.libvirtProblem)}
          onClick={() => void send(true)}
          className="rounded border border-slate-300 bg-white px-3 py-1 text-xs hover:bg-slate-50 disabled:opacity-50"
        >
          Preview
        </button>
        {preview && targets.offline && (
          <label className="flex items-center gap-1 text-xs text-amber-900" data-testid="job-offline-warning">
            <input
              type="checkbox"
              data-testid="job-queue-offline"
              checked={queueWhileOffline}
              onChange={(e) => setQueueWhileOffline(e.target.checked)}
            />
            {targets.offline.hostName} is offline: queue it anyway (it runs when the agent returns)
          </label>
        )}
        {preview && (
          <button
            data-testid="job-confirm-button"
            aria-describedby={refusals.length > 0 ? "job-confirm-blocked" : undefined}
            disabled={busy || refusals.length > 0 || (!!targets.offline && !queueWhileOffline)}
            onClick={() => void send(false)}
            className="rounded bg-sky-700 px-3 py-1 text-xs font-medium text-white hover:bg-sky-800 disabled:opacity-50"
          >
            Confirm and queue
          </button>
        )}
      </div>
      {refusals.length > 0 && (
        <div
          id="job-confirm-blocked"
          data-testid="job-confirm-blocked"
          className="rounded border border-rose-200 bg-rose-50 p-2 text-xs text-rose-800"
        >
          Confirm is off: the agent would refuse this job. {refusals.join(" ")}
        </div>
      )}
      {preview && <PreviewView preview={preview} />}
      {formError && (
        <div data-testid="job-error" role="alert" className="rounded border border-rose-200 bg-rose-50 p-2 text-xs text-rose-800">
          {formError.message}
          {formError.conflict && (
            <>
              {" "}
              —{" "}
              <Link className="underline" href={`/jobs/${formError.conflict.jobId}`}>
                see that job
              </Link>
            </>
          )}
        </div>
      )}
      {created && (
        <div data-testid="job-created" data-job-id={created.id} className="text-xs text-emerald-800">
          Queued:{" "}
          <Link className="underline" href={`/jobs/${created.id}`}>
            {created.summary}
          </Link>{" "}
          — it appears below as it runs.
        </div>
      )}
      <p data-testid="job-adoption-note" className="text-[11px] text-slate-600">
        Marked devices are refused by the agent&apos;s safety checks as this inventory shows the host
        {targets.adoptionKnown ? (
          ", and by the policy its agent reported (which devices it adopted)."
        ) : (
          <>
            . Its agent did not report which devices its policy adopts (agents before protocol 1.8 do not): that could not be told, so none
            is marked for it, and a device it has not adopted is refused when the job runs.
          </>
        )}
      </p>
    </div>
  );
}
