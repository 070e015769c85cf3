/**
 * The URL contract between pages that propose a change (the audit's "Fix" buttons) and the host
 * page's change form: `/hosts/<id>?job=<kind>&<field>=<value>...`. Field names are the form's own
 * (documented in docs/operating/fleet-pages-and-audits.md); unknown ones are ignored, and nothing is queued until the
 * operator previews and confirms.
 */
const PREFILL_KINDS = ["vf.set-count", "device.bind", "vf.configure", "guest.attach", "guest.detach", "host.persist"] as const;
const PREFILL_FIELDS = [
  "pf",
  "count",
  "device",
  "driver",
  "group",
  "vf",
  "mac",
  "vlan",
  "qos",
  "trust",
  "spoofchk",
  "linkState",
  "guest",
  "devices",
  "devKind",
  "live",
  "config",
  "vfCounts",
  "vfioIds",
  "method",
] as const;

export type JobPrefill = { kind: (typeof PREFILL_KINDS)[number]; fields: Record<string, string> };

/** The link that opens the host page with the form filled in. */
export function jobPrefillHref(hostId: string, prefill: { kind: string; fields: Record<string, string> }): string {
  const qs = new URLSearchParams({ job: prefill.kind, ...prefill.fields });
  return `/hosts/${encodeURIComponent(hostId)}?${qs.toString()}#change-this-host`;
}

/** What the form starts from, or null without a (known) `job` parameter. */
export function readJobPrefill(params: Pick<URLSearchParams, "get">): JobPrefill | null {
  const kind = PREFILL_KINDS.find((k) => k === params.get("job"));
  if (!kind) return null;
  const fields: Record<string, string> = {};
  for (const key of PREFILL_FIELDS) {
    const value = params.get(key);
    if (value !== null) fields[key] = value.slice(0, 10_000);
  }
  return { kind, fields };
}
