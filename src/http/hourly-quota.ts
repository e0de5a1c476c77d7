// An optional client-side hourly request quota, the "reservoir" that keeps us under a ServiceNow rate limit rule
// (requests per hour per user, servicenow-api.md §3.1) instead of learning it from 429s. It follows the instance:
// `X-RateLimit-Limit` lowers the quota, `X-RateLimit-Reset` (UNIX s) marks when the instance's window ends.
//
// Why not Bottleneck's own reservoir: it refills on Date.now() and setInterval, so it cannot follow a reset instant
// the server gives us, cannot run on an injected clock, and a job queued at 0 waits silently instead of failing fast
// with `rate_limited` when the wait is longer than maxRetryAfterS. The counting is the same.
//
// The count is approximate by nature: other clients of the same user share the instance's window, and the instance
// itself commits its counters every 30 s (§3.1). 429 handling remains the safety net.
import { serverDateMs } from "./backoff.js";
import { type HttpHeaders, headerValue } from "./http-headers.js";

const HOUR_MS = 3_600_000;

export interface HourlyQuotaSettings {
  /** Requests per hour we allow ourselves; undefined = no own limit until the instance announces one. */
  limitPerHour?: number;
  /** Adopt `X-RateLimit-Limit`/`-Reset` when the instance sends them (default true). */
  followHeaders?: boolean;
}

export interface QuotaState {
  limitPerHour: number | undefined;
  usedInWindow: number;
  windowEndsAtMs: number | undefined;
}

export class HourlyQuota {
  readonly #configuredLimit: number | undefined;
  readonly #followHeaders: boolean;
  #limit: number | undefined;
  #used = 0;
  #windowEndMs: number | undefined;
  #windowFromInstance = false;

  constructor(settings: HourlyQuotaSettings = {}) {
    this.#configuredLimit = settings.limitPerHour;
    this.#followHeaders = settings.followHeaders ?? true;
    this.#limit = settings.limitPerHour;
  }

  /**
   * Takes one request from the quota: 0 when taken, otherwise the ms until the window ends (nothing taken).
   */
  tryTake(nowMs: number): number {
    if (this.#limit === undefined) return 0;
    if (this.#windowEndMs === undefined || nowMs >= this.#windowEndMs) {
      this.#windowEndMs = nowMs + HOUR_MS;
      this.#windowFromInstance = false;
      this.#used = 0;
    }
    if (this.#used < this.#limit) {
      this.#used++;
      return 0;
    }
    return this.#windowEndMs - nowMs;
  }

  /** Reads the instance's rate-limit headers (only sent when a rule matches, §3.1). */
  observe(headers: HttpHeaders, nowMs: number): void {
    if (!this.#followHeaders) return;
    const limitText = headerValue(headers, "x-ratelimit-limit");
    if (limitText !== undefined && /^\d+$/.test(limitText)) {
      const announced = Number(limitText);
      this.#limit = this.#configuredLimit === undefined ? announced : Math.min(this.#configuredLimit, announced);
    }
    const resetText = headerValue(headers, "x-ratelimit-reset");
    if (resetText !== undefined && /^\d+$/.test(resetText)) {
      // Server time against server time (the Date header), then mapped onto our clock: skew-proof (B5.8).
      const untilResetMs = Number(resetText) * 1000 - (serverDateMs(headers) ?? nowMs);
      if (untilResetMs <= 0 || untilResetMs > HOUR_MS) return;
      const windowEndMs = nowMs + untilResetMs;
      if (!this.#windowFromInstance) {
        // Our window was a guess started at our first request; the instance's is the truth. Keep the count.
        this.#windowEndMs = windowEndMs;
        this.#windowFromInstance = true;
      } else if (this.#windowEndMs === undefined || windowEndMs > this.#windowEndMs + 1000) {
        // The instance moved its reset forward: a new window began there, and its count restarted.
        this.#windowEndMs = windowEndMs;
        this.#used = 0;
      }
    }
  }

  get state(): QuotaState {
    return { limitPerHour: this.#limit, usedInWindow: this.#used, windowEndsAtMs: this.#windowEndMs };
  }
}
