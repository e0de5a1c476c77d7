// Bodies of injected HTTP errors (reference/servicenow-api.md §1.7, §3.3).
import { SEMAPHORE_REJECTED_BODY } from "../limits/semaphore.js";

export interface FaultErrorResponse {
  status: number;
  contentType: string;
  /** Exact bytes to send. */
  body: string;
}

const JSON_CONTENT_TYPE = "application/json;charset=UTF-8";
const HTML_CONTENT_TYPE = "text/html;charset=UTF-8";
const REST_DEBUG_HINT =
  "Check logs for error trace or enable glide.rest.debug property to verify REST request processing";

const envelope = (message: string, detail: string | null) =>
  JSON.stringify({ error: { message, detail }, status: "failure" });

/** Error bodies ServiceNow itself produces (§0 fact 8, §1.7). 500: detail-first key order as in cmdb-instance-api.md. */
const JSON_BODIES: Readonly<Record<number, string>> = {
  400: envelope("Requested URI does not represent any resource", null),
  401: envelope("User Not Authenticated", "Required to provide Auth information"),
  403: envelope("Operation Failed", "ACL Exception Update Failed due to security constraints"),
  404: envelope("No Record found", "Record doesn't exist or ACL restricts the record retrieval"),
  429: JSON.stringify(SEMAPHORE_REJECTED_BODY),
  500: JSON.stringify({
    error: {
      detail: `Exception while executing request: null ${REST_DEBUG_HINT}`,
      message: "Exception while executing request: null",
    },
    status: "failure",
  }),
};

/**
 * 502/503/504 come from the load balancer in front of the nodes (`Server: snow_adc`, §1.3), not from the
 * application, so they are HTML pages rather than JSON envelopes. The exact markup is not documented
 * [UNVERIFIED]; what matters for a client is a non-JSON body with an HTML content type.
 */
const GATEWAY_TITLES: Readonly<Record<number, string>> = {
  502: "502 Bad Gateway",
  503: "503 Service Unavailable",
  504: "504 Gateway Time-out",
};

const REASON_PHRASES: Readonly<Record<number, string>> = {
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  415: "Unsupported Media Type",
  501: "Not Implemented",
};

/** A 403 on a read is the query-ACL refusal, not the write-ACL one (§0 fact 8). */
const READ_FORBIDDEN_BODY = envelope(
  "Insufficient rights to query records",
  "Field(s) present in the query do not have permission to be read",
);

/**
 * The response for an injected error status; `kind` picks the read or write flavour of a 403.
 * Unknown statuses get the envelope with their reason phrase and a null detail.
 */
export function faultErrorResponse(status: number, kind?: string): FaultErrorResponse {
  const json = status === 403 && kind === "read" ? READ_FORBIDDEN_BODY : JSON_BODIES[status];
  if (json !== undefined) return { status, contentType: JSON_CONTENT_TYPE, body: json };
  const title = GATEWAY_TITLES[status];
  if (title !== undefined) {
    const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
    return { status, contentType: HTML_CONTENT_TYPE, body };
  }
  return { status, contentType: JSON_CONTENT_TYPE, body: envelope(REASON_PHRASES[status] ?? `HTTP ${status}`, null) };
}
