import { describe, expect, it } from "vitest";
import {
  FALLBACK_RATE_LIMIT_WAIT_MS,
  fullJitterDelayMs,
  parseRetryAfter,
  rateLimitWaitMs,
} from "../../src/http/backoff.js";

const NOW = Date.UTC(2026, 2, 1, 10, 0, 0);
const httpDate = (ms: number) => new Date(ms).toUTCString();

describe("fullJitterDelayMs", () => {
  it("is random(0, min(cap, base·2^attempt)) with base 1 s and cap 60 s", () => {
    const top = () => 0.999_999;
    expect(fullJitterDelayMs(0, top)).toBe(999);
    expect(fullJitterDelayMs(1, top)).toBe(1999);
    expect(fullJitterDelayMs(3, top)).toBe(7999);
    expect(fullJitterDelayMs(5, top)).toBe(31_999);
    expect(fullJitterDelayMs(6, top)).toBe(59_999); // 64 s capped at 60 s
    expect(fullJitterDelayMs(30, top)).toBe(59_999);
  });

  it("can be zero (full jitter, not 'equal jitter') and scales with the random draw", () => {
    expect(fullJitterDelayMs(4, () => 0)).toBe(0);
    expect(fullJitterDelayMs(4, () => 0.5)).toBe(8000);
    expect(fullJitterDelayMs(2, () => 0.25, { baseMs: 100, capMs: 250 })).toBe(62);
  });
});

describe("parseRetryAfter", () => {
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("2", NOW)).toBe(2000);
    expect(parseRetryAfter(" 120 ", NOW)).toBe(120_000);
    expect(parseRetryAfter("0", NOW)).toBe(0);
  });

  it("reads an HTTP-date relative to now", () => {
    expect(parseRetryAfter(httpDate(NOW + 90_000), NOW)).toBe(90_000);
  });

  it("treats absent, garbage, negative and past dates as no answer (the caller falls back)", () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter("-5", NOW)).toBeUndefined();
    expect(parseRetryAfter("1.5", NOW)).toBeUndefined();
    expect(parseRetryAfter(httpDate(NOW - 1000), NOW)).toBeUndefined();
  });
});

describe("rateLimitWaitMs (B6 row 1b)", () => {
  it("prefers Retry-After", () => {
    expect(rateLimitWaitMs({ "retry-after": "2", "x-ratelimit-reset": String(NOW / 1000 + 600) }, NOW)).toBe(2000);
  });

  it("falls back to X-RateLimit-Reset (UNIX seconds) plus one second when Retry-After is missing", () => {
    expect(rateLimitWaitMs({ "x-ratelimit-reset": String(NOW / 1000 + 30) }, NOW)).toBe(31_000);
  });

  it("falls back to X-RateLimit-Reset when Retry-After is a past date", () => {
    const headers = { "retry-after": httpDate(NOW - 5000), "x-ratelimit-reset": String(NOW / 1000 + 10) };
    expect(rateLimitWaitMs(headers, NOW)).toBe(11_000);
  });

  it("waits 60 s when neither gives a future instant", () => {
    expect(rateLimitWaitMs({}, NOW)).toBe(FALLBACK_RATE_LIMIT_WAIT_MS);
    expect(rateLimitWaitMs({ "x-ratelimit-reset": String(NOW / 1000 - 10) }, NOW)).toBe(60_000);
    expect(rateLimitWaitMs({ "retry-after": "later" }, NOW)).toBe(60_000);
  });

  it("measures server instants against the server's Date header, not the local clock (B5.8)", () => {
    const localNow = NOW + 15 * 60_000; // our clock runs 15 minutes ahead of the instance
    const headers = { date: httpDate(NOW), "x-ratelimit-reset": String(NOW / 1000 + 20) };
    expect(rateLimitWaitMs(headers, localNow)).toBe(21_000);
    const dated = { date: httpDate(NOW), "retry-after": httpDate(NOW + 5000) };
    expect(rateLimitWaitMs(dated, localNow)).toBe(5000);
  });
});
