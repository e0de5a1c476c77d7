// The 200 that ServiceNow sends when the 60 s transaction quota cancels a list request while it is streaming:
// the `result` array stops early and an `error` object follows (reference/servicenow-api.md §0 fact 12, §1.8;
// KB0778443). The body is valid JSON overall; its key order (`detail` before `message`) is the captured one.

export const TRANSACTION_CANCELLED_ERROR = Object.freeze({
  detail:
    "Transaction cancelled: maximum execution time exceeded Check logs for error trace or enable glide.rest.debug property to verify REST request processing",
  message: "Transaction cancelled: maximum execution time exceeded",
} as const);

/**
 * `{"result":[r1,r2],"error":{…},"status":"failure"}` from the records already serialized
 * (each element one record's JSON text, exactly as it would have been streamed).
 */
export function buildTruncatedBody(serializedRecords: readonly string[]): string {
  return `{"result":[${serializedRecords.join(",")}],"error":${JSON.stringify(TRANSACTION_CANCELLED_ERROR)},"status":"failure"}`;
}

/**
 * How many of `totalRows` were streamed before the cut: always fewer than the page (the point is that rows are
 * missing) and possibly none. `keepFraction` in [0, 1) comes from the fault decision.
 */
export function truncateKeepCount(totalRows: number, keepFraction: number): number {
  if (totalRows <= 0) return 0;
  return Math.min(totalRows - 1, Math.floor(totalRows * keepFraction));
}
