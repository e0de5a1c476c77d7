// What the dev instance's ledger says about a client's manners under a rate limit (reference/
// style-reliability-ecosystem.md B6 rows 1 and 1c): requests sent while the instance had asked to wait, the gap
// after each 429, refusals by the integration semaphore, and the overlap of requests. Pure: the ledger rows in,
// figures out. Used by test/load/ and scripts/load-test.ts.
import type { LedgerRequest } from "../../src/simulator/store/ledger.js";

const HOUR_MS = 3_600_000;

/**
 * Requests that arrive this soon after a 429 was answered may have left the client before the 429 reached it (at
 * most maxConcurrent − 1 of them): they are counted apart, as in flight, not as sent during the pause.
 */
export const IN_FLIGHT_GRACE_MS = 250;

export interface PauseViolation {
  /** Ledger id of the 429. */
  rateLimitedId: number;
  /** Ledger id of the request that arrived during the pause. */
  requestId: number;
  /** How far into the pause it arrived. */
  intoPauseMs: number;
}

export interface RateLimitFigures {
  requests: number;
  /** 429 answers of the hourly rule (with Retry-After). */
  rateLimited: number;
  /** 429 answers of the integration semaphore (more requests at once than it admits). */
  semaphoreRefused: number;
  /** Requests that arrived after a 429 and before the end of its Retry-After, in-flight grace aside. */
  requestsDuringPauses: number;
  violations: PauseViolation[];
  /** Requests that arrived within the grace after a 429 (already sent when it was answered). */
  inFlightAt429Max: number;
  /** Smallest gap between a 429 and the next request's arrival, past the grace; undefined when none followed. */
  minGapAfter429S: number | undefined;
  /** Highest number of requests whose [arrival, answer] intervals overlap (ms resolution: may overcount by 1). */
  ledgerOverlapMax: number;
}

/** When the instance started handling the request: the ledger records `at` when it answered, and the duration. */
export function arrivalMs(request: LedgerRequest): number {
  return Date.parse(request.at) - request.durationMs;
}

/**
 * The smallest Retry-After the dev instance can have sent with a 429 of its hourly rule: seconds to the next UTC
 * hour of its clock, rounded up, at least 1 (src/simulator/limits/rate-limiter.ts, windows aligned to hh:00:00).
 * The rule is checked somewhere between arrival and answer, so counting from the answer gives the lower bound: a
 * request seen before it ends is certainly inside the pause, whatever the exact value was.
 */
export function retryAfterSOf(request: LedgerRequest): number {
  const answeredMs = Date.parse(request.at);
  const resetMs = (Math.floor(answeredMs / HOUR_MS) + 1) * HOUR_MS;
  return Math.max(1, Math.ceil((resetMs - answeredMs) / 1000));
}

function overlapMax(requests: readonly LedgerRequest[]): number {
  const edges: Array<[number, number]> = [];
  for (const r of requests) {
    const end = Date.parse(r.at);
    edges.push([end - r.durationMs, 1], [end, -1]);
  }
  // Ends before starts at the same instant: back-to-back requests do not overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let max = 0;
  for (const [, delta] of edges) {
    current += delta;
    max = Math.max(max, current);
  }
  return max;
}

/**
 * Figures of one client run: `requests` are the ledger rows of that run only (a new process knows nothing of the
 * previous one's pause), admin calls excluded.
 */
export function rateLimitFigures(requests: readonly LedgerRequest[]): RateLimitFigures {
  const sorted = [...requests].sort((a, b) => arrivalMs(a) - arrivalMs(b));
  const violations: PauseViolation[] = [];
  let inFlightAt429Max = 0;
  let minGapMs: number | undefined;
  const limited = sorted.filter((r) => r.status === 429 && r.fault === "rate-limit");
  for (const refusal of limited) {
    const answeredMs = Date.parse(refusal.at);
    const pauseEndMs = answeredMs + retryAfterSOf(refusal) * 1000;
    let inFlight = 0;
    for (const r of sorted) {
      if (r.id === refusal.id) continue;
      const atMs = arrivalMs(r);
      if (atMs <= arrivalMs(refusal)) continue;
      if (atMs <= answeredMs + IN_FLIGHT_GRACE_MS) {
        inFlight++;
        continue;
      }
      minGapMs = Math.min(minGapMs ?? Number.POSITIVE_INFINITY, atMs - answeredMs);
      // 5 ms of tolerance: `at` has millisecond resolution.
      if (atMs < pauseEndMs - 5) {
        violations.push({ rateLimitedId: refusal.id, requestId: r.id, intoPauseMs: Math.round(atMs - answeredMs) });
      }
    }
    inFlightAt429Max = Math.max(inFlightAt429Max, inFlight);
  }
  return {
    requests: requests.length,
    rateLimited: limited.length,
    semaphoreRefused: requests.filter((r) => r.status === 429 && r.fault === "semaphore").length,
    requestsDuringPauses: violations.length,
    violations: violations.slice(0, 20),
    inFlightAt429Max,
    minGapAfter429S: minGapMs === undefined ? undefined : minGapMs / 1000,
    ledgerOverlapMax: overlapMax(requests),
  };
}
