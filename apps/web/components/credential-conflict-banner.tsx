import { formatAgo, formatTime } from "@/lib/format.ts";

/**
 * Two live agents used this host's credential: the first kept the host, the other was refused.
 * Unless an agent was restarted by hand on another machine, the credential is copied or stolen,
 * and only revoking it ends that (the flag goes with it).
 */
export function CredentialConflictBanner({ hostName, conflict }: { hostName: string; conflict: { at: Date; count: number } }) {
  return (
    <div
      role="alert"
      data-testid="credential-conflict"
      data-count={conflict.count}
      className="rounded-md border border-rose-300 bg-rose-50 p-3 text-[13px] text-rose-950"
    >
      <p className="font-medium">
        A second agent used {hostName}&apos;s credential: {conflict.count} connection{conflict.count === 1 ? " was" : "s were"} refused, the
        last <span title={formatTime(conflict.at)}>{formatAgo(conflict.at)}</span>, while the connected agent was alive.
      </p>
      <p className="mt-0.5 text-xs">
        If no agent for this host was started elsewhere, the credential is copied or stolen: revoke it (Admin, agent credentials) and enroll
        the host again. The refusals are in the audit log (agent.credential-conflict, at most one entry a minute).
      </p>
    </div>
  );
}
