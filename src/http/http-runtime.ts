// The run-level state every request to one instance shares: clock, randomness, host gate, limiter (with the hourly
// quota), retry budget, settings and counters. One per instance per run; send-with-retry.ts applies it.
import type { Clock } from "../lib/clock.js";
import { type BackoffSettings, DEFAULT_BACKOFF } from "./backoff.js";
import { DEFAULT_MAX_RETRY_AFTER_S, HostGate } from "./host-gate.js";
import { HourlyQuota } from "./hourly-quota.js";
import type { HttpHeaders } from "./http-headers.js";
import { DEFAULT_MAX_CONCURRENT, Limiter } from "./limiter.js";
import { RetryBudget, type RetryBudgetSettings } from "./retry-budget.js";
import { RETRY_REASONS, type RetryReason } from "./retry-policy.js";

export interface HttpRuntimeOptions {
  clock: Clock;
  /** [0, 1), for full jitter; Math.random by default. */
  random?: () => number;
  /** Retries per request for `retry` outcomes (so at most retries + 1 attempts). Default 4. */
  maxRetries?: number;
  /** Rate-limit waits honoured per request before giving up with `rate_limited`. Default 10. */
  maxRateLimitWaits?: number;
  /** A wait the instance asks for longer than this stops the run with `rate_limited` (exit 75). Default 300. */
  maxRetryAfterS?: number;
  backoff?: Partial<BackoffSettings>;
  budget?: Partial<RetryBudgetSettings>;
  maxConcurrent?: number;
  /** Own hourly request quota; the instance's `X-RateLimit-Limit` lowers it when seen. */
  hourlyQuota?: number;
  followRateLimitHeaders?: boolean;
}

export interface HttpCounters {
  /** Requests actually sent (every attempt). */
  attempts: number;
  /** Calls of sendWithRetry that succeeded / failed for good. */
  succeeded: number;
  failed: number;
  retriesByReason: Record<RetryReason, number>;
  /** Rate-limit waits honoured (429 with Retry-After / X-RateLimit-Reset). */
  rateLimitWaits: number;
  /** Total time slept in jittered backoff, summed over requests. */
  backoffMs: number;
}

export interface HttpStats extends HttpCounters {
  /** Time the whole host was paused (rate limits and quota), overlaps counted once. */
  waitedMs: number;
  inFlightMax: number;
  retryBudgetLeft: number;
  retriesRefusedByBudget: number;
  quotaWaits: number;
}

export interface HttpRuntimeSettings {
  maxRetries: number;
  maxRateLimitWaits: number;
  maxRetryAfterS: number;
  backoff: BackoffSettings;
}

export class HttpRuntime {
  readonly clock: Clock;
  readonly random: () => number;
  readonly settings: HttpRuntimeSettings;
  readonly gate: HostGate;
  readonly quota: HourlyQuota;
  readonly limiter: Limiter;
  readonly budget: RetryBudget;
  readonly counters: HttpCounters;

  constructor(options: HttpRuntimeOptions) {
    this.clock = options.clock;
    this.random = options.random ?? Math.random;
    this.settings = {
      maxRetries: options.maxRetries ?? 4,
      maxRateLimitWaits: options.maxRateLimitWaits ?? 10,
      maxRetryAfterS: options.maxRetryAfterS ?? DEFAULT_MAX_RETRY_AFTER_S,
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    };
    this.gate = new HostGate(this.clock, this.settings.maxRetryAfterS);
    this.quota = new HourlyQuota({ limitPerHour: options.hourlyQuota, followHeaders: options.followRateLimitHeaders });
    this.limiter = new Limiter({
      maxConcurrent: options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
      gate: this.gate,
      quota: this.quota,
      clock: this.clock,
    });
    this.budget = new RetryBudget(options.budget);
    this.counters = {
      attempts: 0,
      succeeded: 0,
      failed: 0,
      retriesByReason: Object.fromEntries(RETRY_REASONS.map((r) => [r, 0])) as Record<RetryReason, number>,
      rateLimitWaits: 0,
      backoffMs: 0,
    };
  }

  /** Every response's headers pass through here so the quota can follow the instance's rate-limit rule. */
  observeResponse(headers: HttpHeaders): void {
    this.quota.observe(headers, this.clock.nowMs());
  }

  stats(): HttpStats {
    return {
      ...this.counters,
      retriesByReason: { ...this.counters.retriesByReason },
      waitedMs: this.gate.waitedMs,
      inFlightMax: this.limiter.inFlightMax,
      retryBudgetLeft: this.budget.available,
      retriesRefusedByBudget: this.budget.refused,
      quotaWaits: this.limiter.quotaWaits,
    };
  }
}
