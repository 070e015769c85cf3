import {
  adoptionRefusals,
  checkJobAgainstInventory,
  jobResourceKeys,
  previewJob,
  vfAddressOf as vfAddress,
  type JobPreview,
} from "@vfleet/core";
import { speaksAtLeast, type AgentAdoption, type Inventory, type Job } from "@vfleet/protocol";
import type { NewJob } from "@vfleet/db";
import { macsOf } from "./check-macs-unique.ts";

export type PreparedJob = NewJob & { preview: JobPreview };
/** A job the agent will refuse (its preview's first refusal), named by the field of the request. */
export type Refusal = { field: string; message: string; refusals: string[] };
export type Prepared =
  { ok: true; jobs: PreparedJob[]; refusal: Refusal | null } | { ok: false; field: string; message: string; status?: 409 };

/** What jobs are prepared against: the host's stored inventory and what its agent said (getHost's answer). */
export type JobTarget = {
  inventory: Inventory;
  summary: { protocolVersion: string | null; adoption: AgentAdoption | null };
  credentialRevokedAt: Date | null;
};
/**
 * Check each job against the host's inventory (limits the schema cannot know, like
 * sriov_totalvfs), and compute its preview and the resources it holds. `fieldPrefix(i)` names
 * the job in the request (`job` or `jobs.3.job`) so a 400 points at the exact field. VFs that a
 * plan's earlier vf.set-count jobs will create, and guests its guest.define jobs will define,
 * count as present for its later jobs; devices its guest.detach jobs take out count as free.
 * What the host's agent said at its hello counts too: its protocol, for jobs only newer agents
 * take, and its adoption policy, whose refusals join the preview's (null adoption: a note that
 * it could not be told), as does a revoked agent credential. `refusal` is the first of the
 * previews' refusals: the same list a dry run shows, so preview and refusal cannot disagree.
 */
export function prepareJobs(
  specs: { ref: string; job: Job; dependsOn: string[] }[],
  host: JobTarget,
  fieldPrefix: (i: number) => string,
): Prepared {
  const { inventory } = host;
  const agentProtocol = host.summary.protocolVersion;
  const refs = new Set<string>();
  const pending = new Set<string>();
  const out: PreparedJob[] = [];
  let refusal: Refusal | null = null;
  // Devices an earlier guest.detach of the plan takes out of a definition: later previews see them free.
  const detached = new Set<string>();
  for (const [i, spec] of specs.entries()) {
    if (refs.has(spec.ref)) return { ok: false, field: `jobs.${i}.ref`, message: `must be unique: "${spec.ref}" names an earlier job` };
    const missing = spec.dependsOn.find((d) => !refs.has(d));
    if (missing !== undefined)
      return { ok: false, field: `jobs.${i}.dependsOn`, message: `"${missing}" is not the ref of an earlier job of the plan` };
    refs.add(spec.ref);
    // An agent before 1.6 refuses a list as bad input: say so now, naming the field (unknown version: the agent decides).
    if (spec.job.kind === "device.bind" && spec.job.params.devices && agentProtocol !== null && !speaksAtLeast(agentProtocol, "1.6")) {
      return {
        ok: false,
        field: `${fieldPrefix(i)}.params.devices`,
        message: `the host's agent speaks protocol ${agentProtocol}, and a list of devices needs 1.6 or later: upgrade the agent, or bind one device per job (params.device)`,
      };
    }
    if (spec.job.kind === "guest.undefine" && agentProtocol !== null && !speaksAtLeast(agentProtocol, "1.15"))
      return {
        ok: false,
        field: `${fieldPrefix(i)}.kind`,
        message: `the host's agent speaks protocol ${agentProtocol}, and guest.undefine needs 1.15 or later: upgrade the agent, or undefine the guest with virsh`,
      };
    const problem = checkJobAgainstInventory(spec.job, inventory, pending);
    if (problem)
      return {
        ok: false,
        field: `${fieldPrefix(i)}.${problem.field}`,
        message: problem.message,
        ...(problem.status ? { status: problem.status } : {}),
      };
    if (spec.job.kind === "vf.set-count") {
      const pf = inventory.devices.find((d) => d.address === (spec.job as Extract<Job, { kind: "vf.set-count" }>).params.pf);
      if (pf?.sriov?.offset != null && pf.sriov.stride != null) {
        for (let k = 0; k < spec.job.params.count; k++) pending.add(vfAddress(pf.address, pf.sriov.offset, pf.sriov.stride, k));
      }
    }
    if (spec.job.kind === "guest.define") pending.add(`guest:${spec.job.params.name}`);
    const preview = withAgent(previewJob(spec.job, withoutHostdevs(inventory, detached)), spec.job, host, pending);
    // A release plan detaches before it changes the VF count: the count's check must see them free.
    if (spec.job.kind === "guest.detach" && spec.job.params.config)
      for (const d of spec.job.params.devices) {
        pending.add(`detached:${d.address}`);
        detached.add(d.address);
      }
    if (!refusal && preview.refusals.length > 0)
      refusal = {
        field: host.credentialRevokedAt ? "hostId" : fieldPrefix(i),
        message: preview.refusals[0]!,
        refusals: preview.refusals,
      };
    // Written with the job (a primary key per VLAN and MAC): the check above reads, this decides a race.
    const macClaims = macsOf(spec.job, inventory).map((m) => ({
      vlan: m.vlan,
      mac: m.mac,
      field: `${fieldPrefix(i)}.${m.field}`,
      target:
        m.pf !== undefined
          ? `VF ${m.address ?? `${m.pf} vf ${m.vf}`}`
          : `guest ${(spec.job.params as { guest?: string }).guest ?? "?"} (${m.address})`,
    }));
    out.push({
      ...spec,
      summary: preview.summary,
      before: preview.before,
      resourceKeys: jobResourceKeys(spec.job, inventory),
      macClaims,
      preview,
    });
  }
  return { ok: true, jobs: out, refusal };
}

/** The inventory with `addresses` taken out of every guest's definition (as a plan's earlier detach leaves it). */
function withoutHostdevs(inventory: Inventory, addresses: ReadonlySet<string>): Inventory {
  if (addresses.size === 0) return inventory;
  return { ...inventory, guests: inventory.guests.map((g) => ({ ...g, hostdevs: g.hostdevs.filter((h) => !addresses.has(h.address)) })) };
}

/**
 * The preview with what the host's agent will refuse: every job once its credential is revoked
 * (no agent can connect to run it), and what its adoption policy predicts (VFs an earlier job of
 * the plan creates are the PF's to decide), or a note that its agent did not say.
 */
function withAgent(preview: JobPreview, job: Job, host: JobTarget, created: ReadonlySet<string>): JobPreview {
  const revoked = host.credentialRevokedAt
    ? [
        `the host's agent credential was revoked at ${host.credentialRevokedAt.toISOString()}: no agent can connect to run this job (enroll the host again to manage it)`,
      ]
    : [];
  const { adoption } = host.summary;
  if (preview.changes.length === 0 || job.kind === "guest.detach" || job.kind === "guest.define" || job.kind === "guest.undefine")
    return { ...preview, refusals: [...revoked, ...preview.refusals] };
  if (!adoption) {
    return {
      ...preview,
      refusals: [...revoked, ...preview.refusals],
      notes: [
        ...preview.notes,
        "The host's agent did not report which devices its policy adopts (agents before protocol 1.8 do not): whether it adopted these could not be told; it decides when the job runs.",
      ],
    };
  }
  return { ...preview, refusals: [...revoked, ...preview.refusals, ...adoptionRefusals(job, host.inventory, adoption, created)] };
}

/** The answer to a job the inventory refuses: 409 when the host's state forbids it now, else 400; both name the field. */
export function refusedResponse(p: { field: string; message: string; status?: 409 }): Response {
  return Response.json({ error: `${p.field}: ${p.message}`, field: p.field }, { status: p.status ?? 400 });
}

/**
 * 409: the preview says the agent will refuse the job (a device its policy did not adopt, one
 * another guest holds, a revoked host): nothing is queued. `refusals` is every reason, as the
 * dry run's previews list them.
 */
export function agentRefusalResponse(r: Refusal): Response {
  return Response.json(
    { error: `${r.field}: ${r.message}`, field: r.field, cause: "agent-would-refuse", refusals: r.refusals },
    { status: 409 },
  );
}
