/** Retry-After bounds (seconds): at least one (HTTP's unit), and no agent sent away for more than two minutes. */
const MIN_RETRY_AFTER_SEC = 1;
const MAX_RETRY_AFTER_SEC = 120;
/** Before any connection settled, assume one takes this long (the estimate then follows the measurements). */
const FIRST_GUESS_MS = 1_000;
/** Weight of the newest measurement in the mean times to upgrade and to settle. */
const EWMA_WEIGHT = 0.05;

export type Admission =
  /** `upgraded` once the upgrade is answered (101 or refusal); `settle` once the connection settled (implies upgraded). */
  { admitted: true; upgraded: () => void; settle: () => void } | { admitted: false; retryAfterSec: number };

/**
 * How many agent connections the control plane works on at once between an agent's upgrade and
 * its connection settling (authenticated, claimed, hello recorded, first snapshot stored or
 * already held), and when to tell the others to come back.
 *
 * Thousands of agents connecting at once used to be upgraded all together: each waited behind all
 * the others' authentication, session claim and snapshot store, upgrades took longer than the
 * agent's handshake timeout, and each timed-out attempt was redone from scratch. Here the decision
 * is made at once, before anything slow: over `limit`, the agent gets 503 with a Retry-After that
 * gives it a slot of its own, so they come back about when there is room instead of all together.
 * The refused are spread at the rate the gate can take them: the slower of `limit` / the mean time
 * to settle and `upgradesMax` / the mean time to answer an upgrade. With only the first, a storm
 * bounded by the upgrades came back to a full gate and was told to wait again, five times each.
 */
export class UpgradeAdmission {
  readonly #limit: number;
  readonly #upgradesMax: number;
  readonly #now: () => number;
  #working = 0;
  #upgrading = 0;
  #meanSettleMs = FIRST_GUESS_MS;
  #meanUpgradeMs = FIRST_GUESS_MS;
  /** Date.now() of the latest slot handed out to an agent told to wait. */
  #lastSlotAt = 0;

  /**
   * `limit`: connections worked on at once, upgrade to settled. `upgradesMax`: of those, upgrades
   * not answered yet (their authentication and claim share a few database connections: more at once
   * would only make each wait longer for its 101).
   */
  constructor(options: { limit: number; upgradesMax?: number; now?: () => number }) {
    const upgradesMax = options.upgradesMax ?? options.limit;
    for (const [field, value] of Object.entries({ limit: options.limit, upgradesMax }))
      if (!Number.isInteger(value) || value < 1) throw new Error(`${field} must be a positive integer, got ${value}`);
    this.#limit = options.limit;
    this.#upgradesMax = upgradesMax;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Admit one connection, or say when to come back. `alsoWaiting` is other work of connecting
   * agents that counts against the limit (snapshots queued for storing). `settle` is idempotent.
   */
  enter(alsoWaiting = 0): Admission {
    const now = this.#now();
    if (this.#working + alsoWaiting < this.#limit && this.#upgrading < this.#upgradesMax) {
      this.#working++;
      this.#upgrading++;
      let settled = false;
      let upgraded = false;
      const upgradeAnswered = () => {
        if (upgraded) return;
        upgraded = true;
        this.#upgrading--;
        this.#meanUpgradeMs += EWMA_WEIGHT * (this.#now() - now - this.#meanUpgradeMs);
      };
      return {
        admitted: true,
        upgraded: upgradeAnswered,
        settle: () => {
          upgradeAnswered();
          if (settled) return;
          settled = true;
          this.#working--;
          this.#meanSettleMs += EWMA_WEIGHT * (this.#now() - now - this.#meanSettleMs);
        },
      };
    }
    return { admitted: false, retryAfterSec: this.later() };
  }

  /** Seconds until the next free slot for an agent told to wait (each call hands out the next one). */
  later(): number {
    const now = this.#now();
    const gapMs = Math.max(1, this.#meanSettleMs / this.#limit, this.#meanUpgradeMs / this.#upgradesMax);
    // Past the longest wait the slots stop moving: a wave far larger than the rate does not push later newcomers further.
    this.#lastSlotAt = Math.min(Math.max(now, this.#lastSlotAt) + gapMs, now + MAX_RETRY_AFTER_SEC * 1000);
    return Math.max(MIN_RETRY_AFTER_SEC, Math.ceil((this.#lastSlotAt - now) / 1000));
  }

  /** Connections admitted and not settled yet. */
  get working(): number {
    return this.#working;
  }
}
