import { bindDevices, Job } from "@vfleet/protocol";

/**
 * What an audit event's compact row says besides who and when: the device or guest it touched
 * (read from the job it is about) and its outcome in one word, so the list reads without opening
 * each event's before/after.
 */

/** The device, VF or guest a job changes, as the host's own tools name it. */
export function auditTarget(job: { kind: string; params: unknown } | null): string | null {
  const parsed = job ? Job.safeParse(job) : null;
  if (!parsed?.success) return null;
  const j = parsed.data;
  const more = (list: string[]) => (list.length > 1 ? `${list[0]} +${list.length - 1}` : (list[0] ?? ""));
  switch (j.kind) {
    case "vf.set-count":
      return j.params.pf;
    case "device.bind":
      return more(bindDevices(j.params));
    case "vf.configure":
      return `${j.params.pf} VF ${j.params.vf}`;
    case "guest.attach":
    case "guest.detach":
      return `${j.params.guest}: ${more(j.params.devices.map((d) => d.address))}`;
    case "guest.define":
    case "guest.undefine":
      return j.params.name;
    case "host.persist":
      return "boot configuration";
  }
}

export type AuditOutcome = { word: string; tone: "good" | "bad" | "neutral" | "pending" };

/** A job's outcome from its event: queued, succeeded (or "no change" when it found the host already so), failed, ... */
export function auditOutcome(action: string, summary: string): AuditOutcome {
  switch (action) {
    case "job.created":
    case "plan.created":
      return { word: "queued", tone: "pending" };
    case "job.succeeded":
      return summary.endsWith("(already so: nothing written)")
        ? { word: "no change", tone: "neutral" }
        : { word: "succeeded", tone: "good" };
    case "job.failed":
      return { word: "failed", tone: "bad" };
    case "job.cancelled":
      return { word: "cancelled", tone: "neutral" };
    case "job.abandoned":
      return { word: "abandoned", tone: "bad" };
    case "plan.stopped":
      return { word: "stopped", tone: "bad" };
    case "agent.rejected":
    case "agent.credential-conflict":
      return { word: "refused", tone: "bad" };
    case "host.offline":
      return { word: "offline", tone: "neutral" };
    case "host.online":
      return { word: "online", tone: "good" };
    default:
      return { word: "done", tone: "neutral" };
  }
}
