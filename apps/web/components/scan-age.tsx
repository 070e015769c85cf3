import { RelativeTime } from "./relative-time.tsx";

/**
 * How current a host's inventory is. An online agent rescans continually and sends a snapshot
 * only when something changed, so an old snapshot time on an online host means "unchanged since",
 * not stale; the inventory is stale once the agent went silent, and that is flagged.
 */
export function ScanAge({ online, lastSeenAt, snapshotAt }: { online: boolean; lastSeenAt: Date | null; snapshotAt: Date | null }) {
  if (!snapshotAt) return <span data-testid="scan-age">no inventory yet</span>;
  if (online)
    return (
      <span data-testid="scan-age" data-stale="false">
        inventory current (agent online), last changed <RelativeTime value={snapshotAt.toISOString()} />
      </span>
    );
  return (
    <span
      data-testid="scan-age"
      data-stale="true"
      className="rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-900"
      title="The agent is offline: the host may have changed since."
    >
      stale: inventory as of {lastSeenAt ? <RelativeTime value={lastSeenAt.toISOString()} /> : "an unknown time"}, agent offline
    </span>
  );
}
