// Batch API `POST /api/now/v1/batch` (shared/reference/servicenow-api.md §0 fact 16, §5.1): sub-requests run one
// after another as the calling user, bodies in base64 both ways; items not reached before the 30 s batch quota go
// to `unserviced_requests`.
import { z } from "zod";
import { jsonResponse, type SimRequest, type SimResponse, type WriteEvent } from "./sim-request.js";

const BatchItem = z.object({
  id: z.string(),
  method: z.string(),
  url: z.string(),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  body: z.string().optional(),
  exclude_response_headers: z.boolean().optional(),
});

const BatchRequest = z.object({
  batch_request_id: z.string().optional(),
  rest_requests: z.array(BatchItem),
});

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  429: "Too Many Requests",
  500: "Internal Server Error",
};

/** §5.1: "REST Batch API request timeout" quota, 30 s. */
export const BATCH_QUOTA_MS = 30_000;

export type Dispatch = (req: SimRequest) => Promise<SimResponse>;

export async function handleBatch(req: SimRequest, dispatch: Dispatch, nowMs: () => number): Promise<SimResponse> {
  if (req.method !== "POST")
    return jsonResponse(405, { error: { message: "Method not Supported", detail: null }, status: "failure" });
  let parsed: z.infer<typeof BatchRequest>;
  try {
    parsed = BatchRequest.parse(JSON.parse(req.body));
  } catch {
    return jsonResponse(400, {
      error: { message: "Exception while reading request", detail: "The payload is not valid JSON." },
      status: "failure",
    });
  }
  const started = nowMs();
  const serviced: unknown[] = [];
  const unserviced: string[] = [];
  const writes: WriteEvent[] = [];
  for (const item of parsed.rest_requests) {
    if (nowMs() - started > BATCH_QUOTA_MS) {
      unserviced.push(item.id);
      continue;
    }
    const url = new URL(item.url, req.origin);
    const headers: Record<string, string> = {};
    for (const h of item.headers ?? []) headers[h.name.toLowerCase()] = h.value;
    const t0 = nowMs();
    const res = await dispatch({
      method: item.method.toUpperCase(),
      path: url.pathname,
      params: url.searchParams,
      headers,
      body: item.body ? Buffer.from(item.body, "base64").toString("utf8") : "",
      user: req.user,
      origin: req.origin,
    });
    writes.push(...res.writes);
    serviced.push({
      id: item.id,
      ...(res.body !== undefined ? { body: Buffer.from(res.body, "utf8").toString("base64") } : {}),
      status_code: res.status,
      status_text: STATUS_TEXT[res.status] ?? "",
      headers: item.exclude_response_headers
        ? []
        : Object.entries(res.headers).map(([name, value]) => ({ name, value })),
      execution_time: nowMs() - t0,
    });
  }
  return jsonResponse(
    200,
    { batch_request_id: parsed.batch_request_id ?? "", serviced_requests: serviced, unserviced_requests: unserviced },
    { writes, rowCount: serviced.length },
  );
}
