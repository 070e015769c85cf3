import type { Db } from "../create-db.ts";

export type AuditEventView = {
  id: string;
  at: string;
  actor: string;
  action: string;
  hostId: string | null;
  jobId: string | null;
  planId: string | null;
  summary: string;
  before: unknown;
  after: unknown;
};

/** Newest first. */
export async function listAuditEvents(db: Db, filter: { hostId?: string; limit?: number } = {}): Promise<AuditEventView[]> {
  const rows = await db.auditEvent.findMany({
    where: filter.hostId ? { hostId: filter.hostId } : {},
    orderBy: { at: "desc" },
    take: Math.min(filter.limit ?? 200, 1000),
  });
  return rows.map((r) => ({ ...r, at: r.at.toISOString(), before: r.before ?? null, after: r.after ?? null }));
}
