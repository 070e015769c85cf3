import type { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../create-db.ts";
import type { AuditEventView } from "./list-audit-events.ts";

export interface AuditPageFilter {
  hostId?: string;
  /** Exact actor: a user name or `token:<name>`. */
  actor?: string;
  /** An exact action (`job.failed`) or a family (`job`: every `job.*`). */
  kind?: string;
  /** Events at or after / before these times. */
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** An event with what the log's compact row names: the host by name and the job it is about (kind and params). */
export type AuditPageEvent = AuditEventView & { hostName: string | null; job: { kind: string; params: unknown } | null };

export interface AuditPage {
  events: AuditPageEvent[];
  total: number;
  /** What the filters offer: every host, actor and action the log holds. */
  choices: { hosts: { id: string; name: string }[]; actors: string[]; actions: string[] };
}

/** One page of the audit log, newest first, filtered in PostgreSQL. */
export async function listAuditPage(db: Db, filter: AuditPageFilter): Promise<AuditPage> {
  const where: Prisma.AuditEventWhereInput = {
    ...(filter.hostId ? { hostId: filter.hostId } : {}),
    ...(filter.actor ? { actor: filter.actor } : {}),
    ...(filter.kind ? (filter.kind.includes(".") ? { action: filter.kind } : { action: { startsWith: `${filter.kind}.` } }) : {}),
    ...(filter.from || filter.to ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
  };
  const [rows, total, hosts, actors, actions] = await Promise.all([
    db.auditEvent.findMany({ where, orderBy: [{ at: "desc" }, { id: "desc" }], take: filter.limit, skip: filter.offset }),
    db.auditEvent.count({ where }),
    db.host.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } }),
    db.auditEvent.findMany({ distinct: ["actor"], select: { actor: true }, orderBy: { actor: "asc" } }),
    db.auditEvent.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } }),
  ]);
  const jobIds = [...new Set(rows.flatMap((r) => (r.jobId ? [r.jobId] : [])))];
  const jobs = new Map(
    (jobIds.length ? await db.job.findMany({ where: { id: { in: jobIds } }, select: { id: true, kind: true, params: true } }) : []).map(
      (j) => [j.id, { kind: j.kind, params: j.params as unknown }],
    ),
  );
  const names = new Map(hosts.map((h) => [h.id, h.name]));
  return {
    events: rows.map((r) => ({
      ...r,
      at: r.at.toISOString(),
      before: r.before ?? null,
      after: r.after ?? null,
      hostName: r.hostId ? (names.get(r.hostId) ?? null) : null,
      job: r.jobId ? (jobs.get(r.jobId) ?? null) : null,
    })),
    total,
    choices: { hosts, actors: actors.map((a) => a.actor), actions: actions.map((a) => a.action) },
  };
}
