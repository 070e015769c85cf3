import { formatAgo, formatTime } from "@/lib/format.ts";

/**
 * A host whose agent is gone: everything below is its last report, not the host as it is now, and
 * nothing queued for it runs until the agent returns. Said first, in words, not only as a grey pill.
 */
export function OfflineBanner({
  hostName,
  lastSeenAt,
  snapshotAt,
}: {
  hostName: string;
  lastSeenAt: Date | null;
  snapshotAt: Date | null;
}) {
  return (
    <div
      role="status"
      data-testid="offline-banner"
      className="rounded-md border border-amber-300 bg-amber-50 p-3 text-[13px] text-amber-950"
    >
      <p className="font-medium">
        {hostName} is offline since{" "}
        <span title={formatTime(lastSeenAt)} data-testid="offline-since">
          {formatAgo(lastSeenAt)}
        </span>
        .
      </p>
      <p className="mt-0.5 text-xs">
        What follows is its last inventory ({snapshotAt ? `scanned ${formatTime(snapshotAt)}` : "none received"}) and may no longer be true.
        Jobs queued for it wait until its agent reconnects; queued ones can be cancelled.
      </p>
    </div>
  );
}
