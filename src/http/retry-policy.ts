// The retry policy as data: one table classifies every outcome of an attempt (DESIGN.md §4 invariant 6; A-Synthesis
// rule 7, after octokit's `doNotRetry` and Airbyte's DEFAULT_ERROR_MAPPING). send-with-retry.ts is its only consumer,
// so retries happen in exactly one layer. Pure: no clock, no I/O.
import type { ErrorKind } from "../lib/connector-error.js";
import type { AttemptOutcome, BodyProblem } from "./attempt-outcome.js";
import { hasRateLimitHint, rateLimitWaitMs } from "./backoff.js";

/**
 * - `retry`: back off (full jitter) and try again; consumes a retry and retry-budget tokens.
 * - `wait`: the instance said how long to wait; pause the whole host that long, then try again.
 * - `refresh_auth`: refresh the credentials once (single-flight) and replay once.
 * - `fail`: give up now.
 */
export type RetryAction = "retry" | "wait" | "refresh_auth" | "fail";

/** Why a retry happened, for the counters and the run summary. Body problems all count as `truncated`. */
export type RetryReason = "429" | "5xx" | "network" | "timeout" | "auth" | "truncated";

export const RETRY_REASONS: readonly RetryReason[] = ["429", "5xx", "network", "timeout", "auth", "truncated"];

export type OutcomeMatch =
  | { body: readonly BodyProblem[] }
  /** `rateLimitHint`: true = only with Retry-After or X-RateLimit-Reset, false = only without, absent = either. */
  | { status: readonly number[]; rateLimitHint?: boolean }
  | { statusFrom: number; statusTo: number }
  | { transport: readonly string[] }
  | { anyTransport: true }
  | { anyStatus: true };

export interface PolicyRow {
  /** What the row matches, in words (for docs and `empreinte check`). */
  when: string;
  match: OutcomeMatch;
  action: RetryAction;
  /** The kind of the error raised when the outcome is not (or no longer) retried. */
  kind: ErrorKind;
  reason?: RetryReason;
  /**
   * True when the request certainly was not processed, so even a non-idempotent request (POST) may be sent again
   * (Google Cloud Workflows `default_retry_non_idempotent`: 429, 503, connection failed; B3, B5.6).
   */
  safeToRepeat: boolean;
  /** Why, with the source. */
  why: string;
}

/** First match wins. Exported so tests and docs can list it. */
export const RETRY_POLICY: readonly PolicyRow[] = [
  {
    when: "200 whose body ends with a top-level `error` (cancelled while streaming)",
    match: { body: ["truncated"] },
    action: "retry",
    kind: "transient",
    reason: "truncated",
    safeToRepeat: false,
    why: "servicenow-api.md §1.8, KB0778443: the 60 s transaction quota cuts the result short",
  },
  {
    when: "2xx with an HTML page, invalid or cut-short JSON, or an empty body (202 on GET)",
    match: { body: ["invalid_json", "html", "empty"] },
    action: "retry",
    kind: "transient",
    reason: "truncated",
    safeToRepeat: false,
    why: "§1.7: hibernating instance or SSO page; 202 session-reuse queue overflow (pysnow EmptyContent)",
  },
  {
    when: "JSON nested deeper than the parser accepts",
    match: { body: ["too_deep"] },
    action: "fail",
    kind: "data",
    safeToRepeat: false,
    why: "a Table API envelope is 3 levels deep; the same body would come back again",
  },
  {
    when: "429 with Retry-After or X-RateLimit-Reset (rate limit rule)",
    match: { status: [429], rateLimitHint: true },
    action: "wait",
    kind: "rate_limited",
    reason: "429",
    safeToRepeat: true,
    why: "§3.1: hourly rate-limit rules answer 429 + Retry-After; honour it exactly for the whole host (§3.4)",
  },
  {
    when: "429 without those headers (integration semaphore queue full)",
    match: { status: [429], rateLimitHint: false },
    action: "retry",
    kind: "transient",
    reason: "429",
    safeToRepeat: true,
    why: "§3.3: API_INT semaphore exhausted; no hint, so back off with jitter",
  },
  {
    when: "503 (instance unavailable, maintenance)",
    match: { status: [503] },
    action: "retry",
    kind: "transient",
    reason: "5xx",
    safeToRepeat: true,
    why: "§3.3: refused before processing; B3 (Google: 503 is safe to repeat)",
  },
  {
    when: "408, 500, 502, 504",
    match: { status: [408, 500, 502, 504] },
    action: "retry",
    kind: "transient",
    reason: "5xx",
    safeToRepeat: false,
    why: "§3.4, tap-servicenow; the request may have been processed, so only idempotent requests repeat",
  },
  {
    when: "401 (no or expired credentials)",
    match: { status: [401] },
    action: "refresh_auth",
    kind: "auth",
    reason: "auth",
    safeToRepeat: true,
    why: "§4: expired bearer token → refresh once and replay once; a second 401 is an auth error (B5.7)",
  },
  {
    when: "403 (ACL, data policy, query ACL)",
    match: { status: [403] },
    action: "fail",
    kind: "permission",
    safeToRepeat: false,
    why: "§1.7: the same request gets the same answer; an operator must grant rights",
  },
  {
    when: "404 (record deleted or hidden by an ACL)",
    match: { status: [404] },
    action: "fail",
    kind: "data",
    safeToRepeat: false,
    why: "§1.7; reported to the caller as not-found (a write to a deleted record tombstones it, B5.3)",
  },
  {
    when: "400 (bad path, invalid table, missing headers)",
    match: { status: [400] },
    action: "fail",
    kind: "config",
    safeToRepeat: false,
    why: "§1.7: invalid table or URI; the configuration names something the instance does not have",
  },
  {
    when: "405 and every other 4xx",
    match: { statusFrom: 405, statusTo: 499 },
    action: "fail",
    kind: "internal",
    safeToRepeat: false,
    why: "§1.7 r_RESTAPIHTTPResponseCodes: the request itself is wrong; repeating it cannot help",
  },
  {
    when: "any other 5xx (501, 505, …)",
    match: { statusFrom: 500, statusTo: 599 },
    action: "fail",
    kind: "unavailable",
    safeToRepeat: false,
    why: "not a passing failure ServiceNow documents",
  },
  {
    when: "3xx (redirects are not followed)",
    match: { statusFrom: 300, statusTo: 399 },
    action: "fail",
    kind: "config",
    safeToRepeat: false,
    why: "an API call redirected is an SSO gateway or a wrong instance URL",
  },
  {
    when: "any other status",
    match: { anyStatus: true },
    action: "fail",
    kind: "internal",
    safeToRepeat: false,
    why: "unexpected",
  },
  {
    when: "connection refused, DNS temporary failure, network unreachable",
    match: { transport: ["ECONNREFUSED", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"] },
    action: "retry",
    kind: "transient",
    reason: "network",
    safeToRepeat: true,
    why: "the request never reached the instance (B3, Google default_retry_non_idempotent)",
  },
  {
    when: "connection reset, broken pipe, socket hang up, response stream aborted",
    match: { transport: ["ECONNRESET", "EPIPE", "socket hang up", "ERR_BAD_RESPONSE"] },
    action: "retry",
    kind: "transient",
    reason: "network",
    safeToRepeat: false,
    why: "B6 row 3: the instance may have applied the request before the connection dropped",
  },
  {
    when: "timeout (connect or response)",
    match: { transport: ["ETIMEDOUT", "ECONNABORTED", "ESOCKETTIMEDOUT"] },
    action: "retry",
    kind: "transient",
    reason: "timeout",
    safeToRepeat: false,
    why: "B4: a timeout (ETIMEDOUT from the transport; ECONNABORTED as HTTP clients used to report it); B6 row 4",
  },
  {
    when: "host not found",
    match: { transport: ["ENOTFOUND"] },
    action: "fail",
    kind: "config",
    safeToRepeat: false,
    why: "a misspelt instance URL; retrying cannot fix it",
  },
  {
    when: "TLS certificate not trusted",
    match: {
      transport: [
        "CERT_HAS_EXPIRED",
        "CERT_NOT_YET_VALID",
        "DEPTH_ZERO_SELF_SIGNED_CERT",
        "SELF_SIGNED_CERT_IN_CHAIN",
        "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        "ERR_TLS_CERT_ALTNAME_INVALID",
      ],
    },
    action: "fail",
    kind: "config",
    safeToRepeat: false,
    why: "TLS verification is always on (DESIGN.md §4 invariant 7); the operator must fix the trust store",
  },
  {
    when: "response larger than the configured maximum",
    match: { transport: ["EMAXCONTENT"] },
    action: "fail",
    kind: "data",
    safeToRepeat: false,
    why: "the same page would be as large again; lower the page size",
  },
  {
    when: "request aborted (SIGINT/SIGTERM)",
    match: { transport: ["ERR_CANCELED"] },
    action: "fail",
    kind: "interrupted",
    safeToRepeat: false,
    why: "B5.9: shutdown aborts in-flight requests through one AbortSignal",
  },
  {
    when: "any other transport error",
    match: { anyTransport: true },
    action: "retry",
    kind: "transient",
    reason: "network",
    safeToRepeat: false,
    why: "unknown socket-level failures are usually passing",
  },
];

function matches(match: OutcomeMatch, outcome: AttemptOutcome): boolean {
  if ("body" in match) return outcome.type === "body" && match.body.includes(outcome.problem);
  if ("transport" in match) return outcome.type === "transport" && match.transport.includes(outcome.code);
  if ("anyTransport" in match) return outcome.type === "transport";
  if (outcome.type !== "status") return false;
  if ("anyStatus" in match) return true;
  if ("statusFrom" in match) return outcome.status >= match.statusFrom && outcome.status <= match.statusTo;
  if (!match.status.includes(outcome.status)) return false;
  return match.rateLimitHint === undefined || match.rateLimitHint === hasRateLimitHint(outcome.headers);
}

/** The row that applies to an outcome (the table ends with catch-all rows, so there always is one). */
export function policyRowFor(outcome: AttemptOutcome): PolicyRow {
  const row = RETRY_POLICY.find((candidate) => matches(candidate.match, outcome));
  if (row === undefined) throw new Error("RETRY_POLICY has no catch-all row"); // unreachable: the table ends with them
  return row;
}

export interface RetryDecision {
  action: RetryAction;
  kind: ErrorKind;
  reason: RetryReason | undefined;
  /** For `wait`: how long the instance asked us to wait. */
  retryAfterMs: number | undefined;
  row: PolicyRow;
  /** The row would retry, but the request is not idempotent and may have been processed. */
  blockedAsNotIdempotent: boolean;
}

export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * What to do after an outcome. `idempotent` is whether repeating the request is harmless (by default decided by the
 * method; a caller may declare a POST idempotent, e.g. a Batch API call made only of PATCHes with absolute values).
 * `nowMs` is only used to turn an HTTP-date into a wait when the response has no `Date` header.
 */
export function classifyOutcome(
  outcome: AttemptOutcome,
  context: { idempotent: boolean; nowMs: number },
): RetryDecision {
  const row = policyRowFor(outcome);
  const blocked = row.action !== "fail" && !context.idempotent && !row.safeToRepeat;
  const retryAfterMs =
    row.action === "wait" && outcome.type === "status" ? rateLimitWaitMs(outcome.headers, context.nowMs) : undefined;
  return {
    action: blocked ? "fail" : row.action,
    kind: row.kind,
    reason: row.reason,
    retryAfterMs,
    row,
    blockedAsNotIdempotent: blocked,
  };
}
