// The one I/O function: one HTTP exchange with the instance, on axios 1.21 (A-Synthesis rule 4, after octokit's
// fetch-wrapper). It never retries, never parses and never judges a status: it returns status, headers and the body
// as text, or throws an AttemptFailure naming the transport code. Settings and why (style-reliability-ecosystem.md
// B4): axios would otherwise turn a truncated or HTML body into a string silently and report timeouts as
// ECONNABORTED; redirects are not followed (an API call redirected is an SSO page); bodies are bounded.
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import axios, { type AxiosInstance } from "axios";
import { AttemptFailure } from "../http/attempt-failure.js";
import { type HttpHeaders, normalizeHeaders } from "../http/http-headers.js";
import type { Clock } from "../lib/clock.js";

export interface TransportRequest {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Absolute URL (already checked by parseInstanceUrl). */
  url: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
  signal?: AbortSignal;
  /** Method and URL without credentials, for the error message. */
  description: string;
}

export interface TransportResponse {
  status: number;
  headers: HttpHeaders;
  bodyText: string;
  durationMs: number;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

export interface TransportOptions {
  clock: Clock;
  /** Socket idle timeout. Above the instance's own 60 s quota, so we see its truncated 200 rather than our timeout. */
  timeoutMs?: number;
  /** Largest response body accepted (and request body sent). Default 64 MB. */
  maxBodyBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection broken",
  ETIMEDOUT: "no answer within the timeout",
  ECONNABORTED: "no answer within the timeout",
  EAI_AGAIN: "DNS lookup failed temporarily",
  ENOTFOUND: "host not found (check the instance URL)",
  ERR_CANCELED: "aborted",
  EMAXCONTENT: "response larger than the configured maximum (lower the page size or the field list)",
  ERR_BAD_RESPONSE: "response stream aborted",
  ...Object.fromEntries(
    [
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      "SELF_SIGNED_CERT_IN_CHAIN",
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      "UNABLE_TO_GET_ISSUER_CERT",
      "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
      "CERT_UNTRUSTED",
      "CERT_HAS_EXPIRED",
      "CERT_NOT_YET_VALID",
      "ERR_TLS_CERT_ALTNAME_INVALID",
    ].map((code) => [
      code,
      "the instance's TLS certificate is not trusted, so nothing was sent. Check the instance URL; if the instance " +
        "uses a private certificate authority, give its certificate to Node with NODE_EXTRA_CA_CERTS=/path/to/ca.pem " +
        "(verification itself cannot be turned off)",
    ]),
  ),
};

/** The transport code of an axios/Node error: its `code`, with a few messages mapped to stable codes. */
export function transportCode(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/maxContentLength|maxBodyLength/.test(message)) return "EMAXCONTENT";
  if (axios.isCancel(err)) return "ERR_CANCELED";
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code !== "") return code;
  if (/socket hang up/i.test(message)) return "socket hang up";
  return "EUNKNOWN";
}

export function createTransport(options: TransportOptions): Transport {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const client: AxiosInstance = axios.create({
    responseType: "text",
    // Keep the body exactly as received: we parse and validate it ourselves (envelope.ts).
    transformResponse: [(data: unknown) => data],
    transitional: { silentJSONParsing: false, forcedJSONParsing: false, clarifyTimeoutError: true },
    validateStatus: () => true,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxContentLength: maxBodyBytes,
    maxBodyLength: maxBodyBytes,
    maxRedirects: 0,
    // TLS verification is always on; there is deliberately no option to turn it off (invariant 7). A private CA
    // goes in NODE_EXTRA_CA_CERTS.
    httpsAgent: new HttpsAgent({ keepAlive: true, rejectUnauthorized: true }),
    httpAgent: new HttpAgent({ keepAlive: true }),
  });

  return async (request) => {
    const startedMs = options.clock.nowMs();
    try {
      const response = await client.request<string>({
        method: request.method,
        url: request.url,
        headers: { ...request.headers },
        data: request.body,
        signal: request.signal,
      });
      return {
        status: response.status,
        headers: normalizeHeaders(response.headers as Record<string, unknown>),
        bodyText: typeof response.data === "string" ? response.data : "",
        durationMs: options.clock.nowMs() - startedMs,
      };
    } catch (err) {
      // The axios error holds the request config (Authorization header, form body with secrets): keep only its code.
      const code = transportCode(err);
      const reason = REASONS[code] ?? "transport error";
      throw new AttemptFailure(
        { type: "transport", code },
        `${request.description}: ${reason} (${code})`,
        request.description,
      );
    }
  };
}
