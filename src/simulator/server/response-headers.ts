// Headers every Table API response of a real instance carries (shared/reference/servicenow-api.md §0 fact 24,
// §1.3 capture). Cookies are left out: the connector must not depend on session affinity.

export function standardHeaders(transactionId: string, date: Date): Record<string, string> {
  return {
    Server: "snow_adc",
    "X-Is-Logged-In": "true",
    "X-Transaction-ID": transactionId,
    "Server-Timing": `t;desc="${transactionId}", sem_wait;dur=0, sesh_wait;dur=0`,
    "X-Content-Type-Options": "nosniff",
    Pragma: "no-store,no-cache",
    "Cache-Control": "no-cache,no-store,must-revalidate,max-age=-1",
    Expires: "0",
    Date: date.toUTCString(),
  };
}

/** A 12-hex transaction id; a counter rather than random so that runs with the same seed stay comparable. */
export function transactionId(counter: number): string {
  return counter.toString(16).padStart(12, "0");
}
