// One pause for the whole host: when the instance says "wait" (429 + Retry-After, or our own hourly quota is spent),
// no request is sent to it until the wait ends (Renovate `hostDelays`; reference/style-reliability-ecosystem.md
// B5.6, B6 row 1). A wait longer than `maxWaitMs` is not slept through: the run checkpoints and stops (B6 row 1c).
import type { Clock } from "../lib/clock.js";
import { ConnectorError } from "../lib/connector-error.js";

export const DEFAULT_MAX_RETRY_AFTER_S = 300;

export class HostGate {
  readonly #clock: Clock;
  readonly #maxWaitMs: number;
  #resumeAtMs = Number.NEGATIVE_INFINITY;
  #waitedMs = 0;
  #pauses = 0;

  constructor(clock: Clock, maxRetryAfterS: number = DEFAULT_MAX_RETRY_AFTER_S) {
    this.#clock = clock;
    this.#maxWaitMs = maxRetryAfterS * 1000;
  }

  /**
   * Closes the gate for `waitMs` from now (a later pause extends it, an earlier one changes nothing). Throws
   * `rate_limited` when the wait is longer than the maximum; the gate stays closed so that every other request
   * stops too instead of sleeping.
   */
  pauseFor(waitMs: number, why: string): void {
    const nowMs = this.#clock.nowMs();
    const resumeAtMs = nowMs + Math.max(0, waitMs);
    if (resumeAtMs > this.#resumeAtMs) {
      if (waitMs <= this.#maxWaitMs) this.#waitedMs += resumeAtMs - Math.max(this.#resumeAtMs, nowMs);
      this.#resumeAtMs = resumeAtMs;
      this.#pauses++;
    }
    if (waitMs > this.#maxWaitMs) throw this.#tooLong(waitMs, why);
  }

  /** Resolves when the gate is open (at once when it is). Rejects on abort, or when the remaining wait is too long. */
  async ready(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const remainingMs = this.#resumeAtMs - this.#clock.nowMs();
      if (remainingMs <= 0) return;
      if (remainingMs > this.#maxWaitMs) throw this.#tooLong(remainingMs, "the instance asked every request to wait");
      await this.#clock.sleep(remainingMs, signal);
    }
  }

  /** Total time the host was paused (overlapping pauses counted once), for "time spent waiting on the instance". */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  get pauses(): number {
    return this.#pauses;
  }

  #tooLong(waitMs: number, why: string): ConnectorError {
    const waitS = Math.ceil(waitMs / 1000);
    return new ConnectorError(
      "rate_limited",
      `${why}: wait ${waitS} s, longer than maxRetryAfterS (${this.#maxWaitMs / 1000} s). Stopping after the last ` +
        "committed page; the next run resumes from there. Raise maxRetryAfterS, or ask the instance admin about the " +
        "rate limit rule for the integration user.",
      { retryAfterMs: waitMs },
    );
  }
}
