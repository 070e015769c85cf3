import {
  auditFleet,
  auditHost,
  buildGuestDomainXml,
  DomainXmlError,
  parseDomainXml,
  placeRequest,
  type AuditReport,
  type FleetAudit,
  type FleetHealth,
} from "@vfleet/core";
import type { Guest, Inventory } from "@vfleet/protocol";
import type { GuestPlanNumbers } from "@/lib/audit-api-schemas.ts";
import { getControlPlaneContext, type ControlPlaneContext } from "@/lib/control-plane-context.ts";

/** Largest domain XML accepted for a pasted plan: 160 hostdevs are ~40 KiB; 1 MiB leaves room. */
const MAX_DOMAIN_XML_BYTES = 1024 * 1024;

/** The functions a plan by numbers audits: what placement gives on this host, and those it must first create. */
type PlannedFunctions = { addresses: string[]; created: string[]; numaNode: number | null };

export type HostAuditResult =
  | { kind: "ok"; hostId: string; name: string; inventory: Inventory; report: AuditReport; planned?: PlannedFunctions }
  | { kind: "not-found" }
  | { kind: "no-inventory"; name: string }
  | { kind: "bad-input"; field: string; error: string };

/**
 * Audit one host from its stored inventory; the guest is a guest of that inventory (by name)
 * or a pasted domain XML. The report's host is the fleet's name for the host.
 */
export async function loadHostAudit(
  hostId: string,
  guest: { name?: string | null; domainXml?: string | null; plan?: GuestPlanNumbers } = {},
): Promise<HostAuditResult> {
  const ctx = getControlPlaneContext();
  const { db, queries } = ctx;
  const found = await queries.getHost(db, hostId);
  if (!found) return { kind: "not-found" };
  if (!found.inventory) return { kind: "no-inventory", name: found.summary.name };
  const inventory = found.inventory;
  let planned: Guest | undefined;
  let functions: PlannedFunctions | undefined;
  if (guest.plan) {
    const byNumbers = await guestFromNumbers(ctx, hostId, found.summary.name, guest.plan);
    if ("error" in byNumbers) return { kind: "bad-input", field: byNumbers.field, error: byNumbers.error };
    planned = byNumbers.guest;
    functions = byNumbers.functions;
  } else if (guest.domainXml !== undefined && guest.domainXml !== null) {
    if (Buffer.byteLength(guest.domainXml) > MAX_DOMAIN_XML_BYTES)
      return { kind: "bad-input", field: "domainXml", error: `domainXml: larger than ${MAX_DOMAIN_XML_BYTES} bytes` };
    try {
      planned = parseDomainXml(guest.domainXml);
    } catch (err) {
      if (err instanceof DomainXmlError) return { kind: "bad-input", field: "domainXml", error: `domainXml: ${err.message}` };
      throw err;
    }
  } else if (guest.name) {
    planned = inventory.guests.find((g) => g.name === guest.name);
    if (!planned)
      return {
        kind: "bad-input",
        field: "guest",
        error: `guest: no guest "${guest.name}" on host ${found.summary.name} (known: ${inventory.guests.map((g) => g.name).join(", ") || "none"})`,
      };
  }
  const report = auditHost(inventory, planned ? { guest: planned } : {});
  const stamps = { auditedAt: new Date().toISOString(), scannedAt: found.summary.snapshotAt?.toISOString() ?? null };
  return {
    kind: "ok",
    hostId,
    name: found.summary.name,
    inventory,
    report: { ...report, host: found.summary.name, ...stamps },
    ...(functions ? { planned: functions } : {}),
  };
}

/** The name a plan by numbers audits under: no libvirt guest is defined by an audit. */
const PLANNED_GUEST = "planned-guest";

/**
 * "N functions from pool P, V vCPUs, M MiB" as the guest vfleet would define: the functions
 * placement gives on this host (its NUMA choice and CPU pinning, any port), the vCPUs and memory
 * as asked (not raised: the audit judges the size given). Nothing is reserved or stored.
 */
async function guestFromNumbers(
  ctx: ControlPlaneContext,
  hostId: string,
  hostName: string,
  plan: GuestPlanNumbers,
): Promise<{ guest: Guest; functions: PlannedFunctions } | { field: string; error: string }> {
  const pool = await ctx.queries.getPool(ctx.db, plan.pool);
  if (!pool) {
    const known = (await ctx.queries.listPools(ctx.db)).map((p) => p.name);
    return { field: "plan.pool", error: `plan.pool: no pool "${plan.pool}" (known: ${known.join(", ") || "none: create one on Pools"})` };
  }
  const hosts = await ctx.queries.loadPlacementHosts(ctx.db, pool.selector, { hostIds: [hostId] });
  const placed = placeRequest(hosts, {
    pool,
    count: plan.count,
    numa: "preferred",
    link: "any",
    host: hostName,
    guest: { name: PLANNED_GUEST, host: hostName, vcpus: plan.vcpus, memoryMiB: plan.memoryMiB },
  });
  if (!placed.ok)
    return { field: placed.field ? `plan.${placed.field}` : "plan.count", error: `plan: ${placed.error.replace(/^[a-zA-Z]+: /, "")}` };
  const p = placed.placement;
  const addresses = [...p.vfs.map((v) => v.address), ...p.devices.flatMap((d) => d.group)];
  const xml = buildGuestDomainXml({
    name: PLANNED_GUEST,
    vcpus: plan.vcpus,
    memoryMiB: plan.memoryMiB,
    machine: "q35",
    hostdevs: addresses.map((address) => ({ address })),
    ...(p.guest.cpuset ? { cpuset: p.guest.cpuset } : {}),
  });
  return {
    guest: parseDomainXml(xml),
    functions: { addresses, created: p.vfs.filter((v) => !v.exists).map((v) => v.address), numaNode: p.numaNode },
  };
}

/**
 * The fleet audit from each host's stored check statuses (written after every stored snapshot):
 * answers in milliseconds at thousands of hosts. hostIds maps the fleet name back to the id for links.
 */
export async function loadFleetAudit(): Promise<{ fleet: FleetHealth; hostIds: Map<string, string>; awaiting: string[] }> {
  const { db, queries } = getControlPlaneContext();
  return queries.readFleetHealth(db);
}

/** Audit every stored inventory on the request, with evidence (the Markdown export): seconds at thousands of hosts. */
export async function loadFleetAuditReports(): Promise<{ fleet: FleetAudit; hostIds: Map<string, string>; awaiting: string[] }> {
  const { db, queries } = getControlPlaneContext();
  const summaries = await queries.listHosts(db);
  const hosts: { name: string; inventory: Inventory }[] = [];
  const hostIds = new Map<string, string>();
  const awaiting: string[] = [];
  for (const s of summaries) {
    const found = await queries.getHost(db, s.id);
    if (found?.inventory) {
      hosts.push({ name: s.name, inventory: found.inventory });
      hostIds.set(s.name, s.id);
    } else awaiting.push(s.name);
  }
  return { fleet: auditFleet(hosts), hostIds, awaiting };
}
