// Delays between attempts (pure). Full jitter for failures, the server's own figure for rate limits.
// reference/style-reliability-ecosystem.md B3 (AWS, octokit) and B5.6; servicenow-api.md §3.1 and §3.4.
import { type HttpHeaders, headerValue } from "./http-headers.js";

export interface BackoffSettings {
  /** First retry waits up to this long. */
  baseMs: number;
  /** No retry waits longer than this. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 1000, capMs: 60_000 };

/**
 * Full jitter: `random(0, min(cap, base·2^attempt))`, attempt 0 for the first retry. Spreads retries of many clients
 * uniformly instead of synchronising them (AWS Architecture Blog "Exponential Backoff And Jitter"; smithy
 * `defaultRetryBackoffStrategy`). `random` returns [0, 1), like Math.random, and is injected for tests.
 */
export function fullJitterDelayMs(
  attempt: number,
  random: () => number,
  settings: BackoffSettings = DEFAULT_BACKOFF,
): number {
  const ceilingMs = Math.min(settings.capMs, settings.baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceilingMs);
}

/**
 * `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms from `nowMs`. Undefined when absent,
 * unparseable, or a date already past, so that the caller falls back to the next source (B6 row 1b).
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date always names a weekday and a month; refusing bare numbers-with-noise avoids Date.parse guesses.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const dateMs = Date.parse(text);
  if (Number.isNaN(dateMs) || dateMs <= nowMs) return undefined;
  return dateMs - nowMs;
}

/** When a 429 carries neither a usable Retry-After nor a future reset, wait a minute (octokit plugin-throttling's
 * `fallbackSecondaryRateRetryAfter`, following GitHub's "wait for at least one minute" guidance, B3). */
export const FALLBACK_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * The wait a rate-limited response asks for: `Retry-After`, else `X-RateLimit-Reset` (UNIX seconds; ServiceNow
 * §3.1) plus one second so we retry *after* the reset (octokit), else 60 s.
 *
 * "Now" is the server's `Date` header when present: both figures are server times, and comparing them with the
 * local clock would turn clock skew into a wrong wait (B5.8). `nowMs` is the fallback.
 */
export function rateLimitWaitMs(headers: HttpHeaders, nowMs: number): number {
  const serverNowMs = serverDateMs(headers) ?? nowMs;
  const retryAfterMs = parseRetryAfter(headerValue(headers, "retry-after"), serverNowMs);
  if (retryAfterMs !== undefined) return retryAfterMs;
  const reset = headerValue(headers, "x-ratelimit-reset");
  if (reset !== undefined && /^\d+$/.test(reset)) {
    const untilResetMs = Number(reset) * 1000 - serverNowMs;
    if (untilResetMs > 0) return untilResetMs + 1000;
  }
  return FALLBACK_RATE_LIMIT_WAIT_MS;
}

/** True when a 429 says how long to wait (either header present), as opposed to a semaphore 429 (§3.3). */
export function hasRateLimitHint(headers: HttpHeaders): boolean {
  return headerValue(headers, "retry-after") !== undefined || headerValue(headers, "x-ratelimit-reset") !== undefined;
}

/** The server's `Date` header in epoch ms, or undefined. */
export function serverDateMs(headers: HttpHeaders): number | undefined {
  const date = headerValue(headers, "date");
  if (date === undefined) return undefined;
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? undefined : ms;
}
