import { claimHostSession, recordCredentialConflict, releaseHostSession, type Db, type HostSessionClaim } from "@vfleet/db";
import { CloseCode } from "@vfleet/protocol";
import type { AgentIdentity } from "./control-plane-side-session.ts";
import type { Log } from "./logger.ts";

/** Below the agent's 10 s handshake timeout, so the answer reaches it. */
const MAX_CROSS_PROCESS_WAIT_MS = 8_000;

export interface FenceDeps {
  db: Db;
  log: Log;
  /** A held connection that does not answer a ping within this is silent; twice this without hearing from the host is silent across processes. */
  probeTimeoutMs: number;
  /** This control-plane process (ControlPlaneProcess.id) and when a peer's stale heartbeat makes it dead. */
  processId: string;
  processDeadAfterMs: number;
}

/** What the fence needs of the connection that holds a host. */
export interface HeldConnection {
  /** True when the agent answers a ping within `timeoutMs`: alive, not a half-open socket. */
  answersPing(timeoutMs: number): Promise<boolean>;
}

/**
 * One live connection per agent credential, and the first one wins. A new connection for a host
 * already held is admitted only when the held one does not answer a ping (a restarted agent whose
 * old socket is half-open, a network change): it then replaces it. When the held one answers, the
 * newcomer is refused (4423) and the host flagged and audited: two agents hold one credential.
 *
 * Why the first and not the newest: with "newest wins" whoever copies a credential takes the
 * host from its real agent at will, and the real one, told to back off, goes quiet: jobs and the
 * stored inventory then belong to the thief, silently. Keeping the connection that proves alive
 * leaves the real agent serving and makes every attempt of the other visible. If the thief was
 * first (the real agent was down), the real agent is the one refused when it returns: the same
 * flag and audit event tell the operator, who revokes the credential and enrolls the host again.
 *
 * Decisions for one host are made one at a time, so two newcomers never both see a silent holder
 * and replace each other in turn.
 *
 * Several control-plane processes share the database, and behind a load balancer two sockets of
 * one credential can land on different processes: once this process would admit the newcomer, the
 * database decides between processes (claimHostSession): while the process holding the host is
 * alive and heard from the host within two heartbeat intervals, the newcomer is refused the same
 * way; a dead process or a silent session is replaced.
 */
export class CredentialFence {
  readonly #deps: FenceDeps;
  readonly #turns = new Map<string, Promise<unknown>>();
  /** Where each admitted connection came from and when, to name it in the audit log. */
  readonly #admitted = new WeakMap<HeldConnection, { remote: string | null; since: Date }>();

  constructor(deps: FenceDeps) {
    this.#deps = deps;
  }

  /** Run `decide` for `hostId` after any earlier decision for it has finished. */
  async inTurn<T>(hostId: string | undefined, decide: () => Promise<T>): Promise<T> {
    if (hostId === undefined) return decide();
    const before = this.#turns.get(hostId) ?? Promise.resolve();
    const mine = before.catch(() => {}).then(decide);
    this.#turns.set(hostId, mine);
    try {
      return await mine;
    } finally {
      if (this.#turns.get(hostId) === mine) this.#turns.delete(hostId);
    }
  }

  /**
   * null: admit the newcomer (no holder, or a silent one it replaces). Otherwise how to close the
   * newcomer: 4423 when the holder is alive (the conflict is already recorded: host flag, audit
   * event, log line), or 1013 when another process's holder could not be told alive or silent in
   * time (see #claim).
   */
  async refusal(
    identity: AgentIdentity,
    remote: string | null,
    held: HeldConnection | undefined,
  ): Promise<{ code: number; reason: string } | null> {
    const { processId, probeTimeoutMs } = this.#deps;
    if (held && (await held.answersPing(probeTimeoutMs))) {
      return this.#refuse(identity, remote, { ...(this.#admitted.get(held) ?? { remote: null }), processId });
    }
    const claim = await this.#claim(identity.hostId);
    if (claim.kind === "claimed") return null;
    if (claim.kind === "undecided")
      return { code: CloseCode.TRY_AGAIN_LATER, reason: "another control-plane process holds this host; try again shortly" };
    return this.#refuse(identity, remote, { remote: null, since: claim.connectedAt ?? undefined, processId: claim.processId });
  }

  /**
   * The cross-process analogue of the ping: another process cannot be asked whether its socket
   * answers, but the host's lastSeenAt (written in batches by the holder) moves while it hears
   * from the agent. Claim, and while another process holds the host, watch lastSeenAt: moved is a
   * live holder (refuse); silent for two heartbeat intervals (or the holder's process dead) lets
   * the claim through. Right after a process is killed its agents reconnect elsewhere at once;
   * without this wait they would be refused 4423 and back off for minutes. The wait stays under
   * the agent's 10 s handshake timeout; past it the newcomer is told to try again (1013, with the
   * agent's ordinary backoff), not refused.
   */
  async #claim(hostId: string): Promise<HostSessionClaim | { kind: "undecided" }> {
    const { db, processId, probeTimeoutMs, processDeadAfterMs } = this.#deps;
    const rules = { hostId, processId, silentAfterMs: 2 * probeTimeoutMs, processDeadAfterMs };
    const first = await claimHostSession(db, rules);
    if (first.kind === "claimed") return first;
    const deadline = Date.now() + Math.min(2 * probeTimeoutMs, MAX_CROSS_PROCESS_WAIT_MS);
    for (;;) {
      await new Promise((r) => setTimeout(r, Math.min(probeTimeoutMs / 4, 500)));
      const claim = await claimHostSession(db, rules);
      if (claim.kind === "claimed" || claim.processId !== first.processId || claim.lastSeenAt?.getTime() !== first.lastSeenAt?.getTime())
        return claim;
      if (Date.now() >= deadline) return { kind: "undecided" };
    }
  }

  async #refuse(
    identity: AgentIdentity,
    remote: string | null,
    kept: { remote: string | null; since?: Date; processId: string },
  ): Promise<{ code: number; reason: string }> {
    const { hostId, hostName } = identity;
    // The metric (vfleet_agent_credential_conflicts_total) counts this log line.
    this.#deps.log("warn", "agent credential conflict", {
      hostId,
      hostName,
      keptRemote: kept.remote,
      keptProcess: kept.processId,
      refusedRemote: remote,
      refusedProcess: this.#deps.processId,
    });
    await recordCredentialConflict(this.#deps.db, { hostId, hostName, kept, refused: { remote, processId: this.#deps.processId } }).catch(
      (err: unknown) =>
        this.#deps.log("error", "recording a credential conflict failed", {
          hostId,
          error: err instanceof Error ? err.message : String(err),
        }),
    );
    return {
      code: CloseCode.CREDENTIAL_IN_USE,
      reason: "another live connection holds this host's credential: refused (an admin can revoke the credential and enroll again)",
    };
  }

  /** This process's session for the host ended (its close was the host's last): another process may take the host at once. */
  released(hostId: string): Promise<void> {
    return releaseHostSession(this.#deps.db, hostId, this.#deps.processId);
  }

  /** The newcomer `refusal` admitted is now the host's connection. */
  admitted(connection: HeldConnection, remote: string | null): void {
    this.#admitted.set(connection, { remote, since: new Date() });
  }
}
