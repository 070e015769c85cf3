import type { Db } from "./create-db.ts";

/**
 * Mark offline the hosts still recorded online but silent for longer than `staleAfterMs`
 * (their control-plane process died without closing the socket). One UPDATE, so concurrent
 * sweepers from several processes report each host once. Returns the ids it changed.
 */
export async function sweepOfflineHosts(db: Db, options: { staleAfterMs: number; now?: Date }): Promise<string[]> {
  if (!Number.isFinite(options.staleAfterMs) || options.staleAfterMs <= 0) {
    throw new Error(`sweepOfflineHosts: staleAfterMs must be a positive number of milliseconds, got ${options.staleAfterMs}`);
  }
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.staleAfterMs);
  const swept = await db.host.updateManyAndReturn({
    where: { online: true, OR: [{ lastSeenAt: { lt: cutoff } }, { lastSeenAt: null }] },
    data: { online: false },
    select: { id: true },
  });
  return swept.map((host) => host.id);
}
