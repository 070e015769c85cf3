import { auditFleet, auditHost, DomainXmlError, parseDomainXml, type AuditReport, type FleetAudit, type FleetHealth } from "@vfleet/core";
import type { Guest, Inventory } from "@vfleet/protocol";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";

/** Largest domain XML accepted for a pasted plan: 160 hostdevs are ~40 KiB; 1 MiB leaves room. */
const MAX_DOMAIN_XML_BYTES = 1024 * 1024;

export type HostAuditResult =
  | { kind: "ok"; hostId: string; name: string; inventory: Inventory; report: AuditReport }
  | { kind: "not-found" }
  | { kind: "no-inventory"; name: string }
  | { kind: "bad-input"; field: string; error: string };

/**
 * Audit one host from its stored inventory; the guest is a guest of that inventory (by name)
 * or a pasted domain XML. The report's host is the fleet's name for the host.
 */
export async function loadHostAudit(
  hostId: string,
  guest: { name?: string | null; domainXml?: string | null } = {},
): Promise<HostAuditResult> {
  const { db, queries } = getControlPlaneContext();
  const found = await queries.getHost(db, hostId);
  if (!found) return { kind: "not-found" };
  if (!found.inventory) return { kind: "no-inventory", name: found.summary.name };
  const inventory = found.inventory;
  let planned: Guest | undefined;
  if (guest.domainXml !== undefined && guest.domainXml !== null) {
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
  return { kind: "ok", hostId, name: found.summary.name, inventory, report: { ...report, host: found.summary.name, ...stamps } };
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
