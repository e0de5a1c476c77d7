// Batch API bodies (pure). servicenow-api.md §0 fact 16, §5.1: `POST /api/now/v1/batch` with
// `{"batch_request_id","rest_requests":[{"id","method","url","headers":[{name,value}],"body":"<base64>",
// "exclude_response_headers"}]}` → `{"batch_request_id","serviced_requests":[{"id","status_code","status_text",
// "body":"<base64>",…}],"unserviced_requests":[ids]}`. Items run one after another; the whole batch is cancelled
// at 30 s, and what was not reached is listed in `unserviced_requests` for the caller to send again.
import { z } from "zod";
import { ConnectorError } from "../lib/connector-error.js";
import { jsonDepthExceeds } from "./envelope.js";

export type BatchMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface BatchItem {
  id: string;
  method: BatchMethod;
  /** Relative URL with its query string, e.g. `/api/now/table/cmdb_ci_service/<sys_id>?sysparm_fields=sys_id`. */
  url: string;
  /** JSON body (encoded and base64'd here). */
  body?: unknown;
}

export interface BatchItemResult {
  id: string;
  statusCode: number;
  statusText: string;
  /** The decoded JSON body, or undefined when empty or not JSON. */
  body: unknown;
  /** The instance's `error_message` for the item, if any. */
  errorMessage: string | undefined;
}

export interface BatchResult {
  serviced: BatchItemResult[];
  /** Ids the instance did not reach before its 30 s quota. */
  unserviced: string[];
}

export const BatchResponse = z.object({
  batch_request_id: z.string().optional(),
  serviced_requests: z.array(
    z.object({
      id: z.string(),
      status_code: z.coerce.number().int(),
      status_text: z.string().optional(),
      body: z.string().optional(),
      error_message: z.string().optional(),
    }),
  ),
  unserviced_requests: z.array(z.string()).default([]),
});
export type BatchResponse = z.infer<typeof BatchResponse>;

const JSON_HEADERS = [
  { name: "Content-Type", value: "application/json" },
  { name: "Accept", value: "application/json" },
];

export function buildBatchBody(batchRequestId: string, items: readonly BatchItem[]): string {
  const ids = new Set<string>();
  const restRequests = items.map((item) => {
    if (ids.has(item.id)) throw new ConnectorError("internal", `Duplicate batch item id ${JSON.stringify(item.id)}`);
    ids.add(item.id);
    if (!item.url.startsWith("/api/")) {
      throw new ConnectorError("internal", `Batch item ${item.id}: the URL must be relative and start with /api/`);
    }
    return {
      id: item.id,
      method: item.method,
      url: item.url,
      headers: JSON_HEADERS,
      ...(item.body === undefined ? {} : { body: Buffer.from(JSON.stringify(item.body), "utf8").toString("base64") }),
      exclude_response_headers: true,
    };
  });
  return JSON.stringify({ batch_request_id: batchRequestId, rest_requests: restRequests });
}

function decodeBody(base64: string | undefined): unknown {
  if (base64 === undefined || base64 === "") return undefined;
  const text = Buffer.from(base64, "base64").toString("utf8");
  if (text.trim() === "" || jsonDepthExceeds(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function batchResult(response: BatchResponse): BatchResult {
  return {
    serviced: response.serviced_requests.map((item) => ({
      id: item.id,
      statusCode: item.status_code,
      statusText: item.status_text ?? "",
      body: decodeBody(item.body),
      errorMessage: item.error_message,
    })),
    unserviced: response.unserviced_requests,
  };
}
