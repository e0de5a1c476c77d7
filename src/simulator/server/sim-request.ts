import type { AclShortPlan } from "../faults/apply-acl-short.js";

// The transport-neutral request and response the dev instance's handlers work on. The node:http layer builds a
// SimRequest from the wire (after auth, rate limits and the semaphore); the Batch API builds one per sub-request.

export interface SimUser {
  name: string;
  roles: readonly string[];
  /** IANA zone used for display values (ServiceNow shows datetimes in the calling user's time zone). */
  timeZone: string;
}

export interface SimRequest {
  /** Upper case; `X-HTTP-Method-Override` already applied. */
  method: string;
  /** URL path without query string, e.g. `/api/now/v1/table/cmdb_ci_service`. */
  path: string;
  params: URLSearchParams;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
  user: SimUser;
  /** `http://127.0.0.1:PORT`: real instances send absolute URLs in Link, Location and reference links. */
  origin: string;
  /** Injected ACL-short page for this list request (fault injection): rows hidden after the limit applied. */
  aclShort?: AclShortPlan;
}

export interface WriteEvent {
  op: "insert" | "update" | "delete";
  table: string;
  sysId: string;
  user: string;
  before: Record<string, string> | null;
  after: Record<string, string> | null;
  changedFields: string[];
  /** The store's own JSON of before/after, passed on to the ledger. */
  beforeJson?: string;
  afterJson?: string;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialized body; undefined for 204 and HEAD. */
  body?: string;
  /** Rows of a list response, so the truncated-200 fault can cut the array. */
  listRows?: unknown[];
  /** Rows the response carried (ledger, per-row latency). */
  rowCount: number;
  /** Writes the request applied, for the ledger. */
  writes: WriteEvent[];
}

export const JSON_CONTENT_TYPE = "application/json;charset=UTF-8";

export function jsonResponse(status: number, payload: unknown, extra: Partial<SimResponse> = {}): SimResponse {
  return {
    status,
    headers: { "Content-Type": JSON_CONTENT_TYPE, ...(extra.headers ?? {}) },
    body: JSON.stringify(payload),
    rowCount: extra.rowCount ?? 0,
    writes: extra.writes ?? [],
    ...(extra.listRows ? { listRows: extra.listRows } : {}),
  };
}
