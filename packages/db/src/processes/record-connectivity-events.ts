import type { Db } from "../create-db.ts";

export interface ConnectivityEvent {
  hostId: string;
  /** host.online when an agent said hello, host.offline when its socket closed or it went silent. */
  action: "host.online" | "host.offline";
  summary: string;
  at: Date;
  after?: Record<string, string | number | null>;
}

/** Write a batch of connectivity events to the audit log in one INSERT (thousands of agents reconnect at once). */
export async function recordConnectivityEvents(db: Db, events: readonly ConnectivityEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.auditEvent.createMany({
    data: events.map((e) => ({
      actor: "vfleet",
      action: e.action,
      hostId: e.hostId,
      summary: e.summary,
      at: e.at,
      after: e.after ?? undefined,
    })),
  });
}
