"use client";

import Link from "next/link";
import { useEffect, useRef, type ReactNode } from "react";
import type { VfDetail } from "@/lib/host-page/vf-details.ts";
import { CopyButton } from "./copy-button.tsx";
import { useJobPrefill } from "./jobs/job-prefill.tsx";
import { vfStateMeaning } from "./vf-states.ts";

/** A setting the PF driver did not report reads "could not tell"; one it reported as unset reads `unset`. */
const fact = (vf: VfDetail, value: string | number | boolean | null, unset: string): string =>
  !vf.netReported ? "could not tell" : value === null ? unset : typeof value === "boolean" ? (value ? "on" : "off") : String(value);

/**
 * Everything known about one VF, with the address and MAC to copy and the changes that fit its
 * state: each opens the host's change form filled in (Preview and Confirm stay there).
 */
export function VfDetailPanel({ vf, canChange, onClose }: { vf: VfDetail; canChange: boolean; onClose: () => void }) {
  const { request } = useJobPrefill();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [vf.address]);

  const rows: [string, ReactNode, string][] = [
    [
      "Address",
      <>
        <span className="font-mono">{vf.address}</span> <CopyButton text={vf.address} what="address" testId="vf-copy-address" />
      </>,
      "address",
    ],
    [
      "PF",
      <span className="font-mono">
        {vf.pf}
        {vf.pfIfname ? ` (${vf.pfIfname})` : ""}, VF {vf.index}
      </span>,
      "pf",
    ],
    [
      "Model",
      <>
        {vf.model.name} {vf.model.ids && <span className="font-mono text-slate-600">[{vf.model.ids}]</span>}
      </>,
      "model",
    ],
    ["State", vfStateMeaning(vf.state, vf.driver), "state"],
    ["Driver", vf.driver ?? "none", "driver"],
    [
      "Interface",
      vf.netdev ? (
        <>
          <span className="font-mono">{vf.netdev.name}</span>{" "}
          <CopyButton text={vf.netdev.name} what="interface name" testId="vf-copy-netdev" />
          {vf.netdev.mac && <span className="font-mono"> · {vf.netdev.mac}</span>}
          {vf.netdev.link && <span> · {vf.netdev.link}</span>}
        </>
      ) : (
        "none (no host network driver holds it)"
      ),
      "netdev",
    ],
    ["MSI-X vectors", vf.msixVectors ?? "could not tell", "msix"],
    [
      "MAC set on the PF",
      vf.mac ? (
        <>
          <span className="font-mono">{vf.mac}</span> <CopyButton text={vf.mac} what="MAC" testId="vf-copy-mac" />
        </>
      ) : (
        fact(vf, null, "not set (the PF reports 00:00:00:00:00:00)")
      ),
      "mac",
    ],
    ["VLAN", fact(vf, vf.vlan, "none"), "vlan"],
    ["QoS", fact(vf, vf.qos, "none"), "qos"],
    ["Trust", fact(vf, vf.trust, "could not tell"), "trust"],
    ["Spoof check", fact(vf, vf.spoofchk, "could not tell"), "spoofchk"],
    ["Link state", fact(vf, vf.linkState, "could not tell"), "link"],
    ["Guest", vf.guest ? `${vf.guest}${vf.guestRunning ? " (running)" : ""}` : "none", "guest"],
    [
      "vfleet assignment",
      vf.assignment ? (
        <>
          {vf.assignment.state} for {vf.assignment.guest}
          {vf.assignment.pool ? `, pool ${vf.assignment.pool}` : ""}
          {vf.assignment.planId && (
            <>
              {" "}
              ·{" "}
              <Link className="text-sky-700 underline" href={`/plans/${vf.assignment.planId}`}>
                its plan
              </Link>
            </>
          )}
          {vf.assignment.drift && <span className="block text-amber-800">{vf.assignment.drift}</span>}
        </>
      ) : (
        "none (not reserved or assigned by vfleet)"
      ),
      "assignment",
    ],
    ["NUMA node", vf.numaNode ?? "none reported", "numa"],
    ["IOMMU group", vf.iommuGroup ?? "none", "iommu"],
  ];

  const actions: { label: string; testId: string; go: () => void }[] = [];
  if (canChange) {
    if (vf.state === "host-driver" || vf.state === "unbound")
      actions.push({
        label: "Bind to vfio-pci",
        testId: "vf-action-bind",
        go: () => request("device.bind", { device: vf.address, driver: "vfio-pci", group: "" }),
      });
    if (vf.state === "vfio") {
      actions.push({
        label: "Attach to a guest",
        testId: "vf-action-attach",
        go: () =>
          request("guest.attach", { devices: vf.address, devKind: vf.mac || vf.vlan !== null ? "interface" : "hostdev", config: "on" }),
      });
      actions.push({
        label: "Give back to its host driver",
        testId: "vf-action-give-back",
        go: () => request("device.bind", { device: vf.address, driver: "host", group: "" }),
      });
    }
    if (vf.guest)
      actions.push({
        label: `Detach from ${vf.guest}`,
        testId: "vf-action-detach",
        go: () =>
          request("guest.detach", {
            guest: vf.guest!,
            devices: vf.address,
            devKind: vf.heldAs ?? "hostdev",
            live: vf.guestRunning ? "on" : "",
            config: "on",
          }),
      });
    if (vf.pfIfname)
      actions.push({
        label: "Set MAC / VLAN / trust / link",
        testId: "vf-action-configure",
        go: () =>
          request("vf.configure", { pf: vf.pf, vf: String(vf.index), mac: "", vlan: "", qos: "", trust: "", spoofchk: "", linkState: "" }),
      });
  }

  return (
    <section
      id="vf-panel"
      data-testid="vf-panel"
      data-address={vf.address}
      aria-labelledby="vf-panel-title"
      className="rounded-md border border-slate-300 bg-white p-3 text-xs"
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
      }}
    >
      <div className="mb-2 flex items-center gap-2">
        <h3 id="vf-panel-title" ref={heading} tabIndex={-1} className="text-[13px] font-semibold outline-none">
          VF {vf.index} of {vf.pfIfname ?? vf.pf}
        </h3>
        <button
          type="button"
          data-testid="vf-panel-close"
          onClick={onClose}
          className="ml-auto rounded border border-slate-300 px-1.5 hover:bg-slate-50"
        >
          Close<span className="sr-only"> VF details</span>
        </button>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
        {rows.map(([name, value, key]) => (
          <div key={key} className="contents" data-testid={`vf-fact-${key}`}>
            <dt className="text-slate-600">{name}</dt>
            <dd className="min-w-0 break-words">{value}</dd>
          </div>
        ))}
      </dl>
      {actions.length > 0 && (
        <div className="mt-3 flex flex-wrap gap-2 border-t border-slate-100 pt-2">
          {actions.map((a) => (
            <button
              key={a.testId}
              type="button"
              data-testid={a.testId}
              onClick={a.go}
              className="rounded border border-slate-300 bg-white px-2 py-0.5 hover:bg-slate-50"
            >
              {a.label}
            </button>
          ))}
        </div>
      )}
    </section>
  );
}
