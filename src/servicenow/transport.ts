// The one I/O function: one HTTP exchange with the instance, on Node's own http/https (A-Synthesis rule 4, after
// octokit's fetch-wrapper). It never retries, never parses and never judges a status: it returns status, headers and
// the body as text, or throws an AttemptFailure naming the transport code. Not axios: its per-request config merging
// and header normalising cost about as much CPU as the exchange itself at 97k PATCHes (issue #8), and its import
// ~180 ms per CLI start. Settings and why (style-reliability-ecosystem.md B4): keep-alive; timeouts; redirects are
// not followed (an API call redirected is an SSO page); bodies are bounded both ways; a body cut short is an error,
// never a shorter string; HTTPS_PROXY/NO_PROXY honoured with a CONNECT tunnel, as axios did (docs/security.md).
import http, { type ClientRequest, type IncomingMessage } from "node:http";
import https from "node:https";
import type { Readable, Transform } from "node:stream";
import { AttemptFailure } from "../http/attempt-failure.js";
import { envProxyFor } from "../http/env-proxy.js";
import { type HttpHeaders, normalizeHeaders } from "../http/http-headers.js";
import { TunnelAgent } from "../http/tunnel-agent.js";
import type { Clock } from "../lib/clock.js";
import { decompressor } from "./decompressor.js";
import { transportReason } from "./transport-reasons.js";

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

/** Sent unless the caller sets them. The instance sees who calls in its transaction log (servicenow-api.md). */
const DEFAULT_HEADERS: Readonly<Record<string, string>> = {
  "User-Agent": "empreinte",
  "Accept-Encoding": "gzip, deflate, br",
};

/** The transport code of a Node error: its `code`, with a few messages mapped to stable codes. */
export function transportCode(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.name === "AbortError") return "ERR_CANCELED";
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code !== "") return code;
  if (/socket hang up/i.test(message)) return "socket hang up";
  return "EUNKNOWN";
}

/** The caller's headers, plus the defaults it did not set (names compared case-insensitively) and Content-Length. */
function withDefaultHeaders(
  headers: Readonly<Record<string, string>>,
  bodyBytes: number | undefined,
): Record<string, string> {
  const present = new Set<string>();
  for (const name in headers) present.add(name.toLowerCase());
  const out: Record<string, string> = {};
  for (const name in DEFAULT_HEADERS) {
    if (!present.has(name.toLowerCase())) out[name] = DEFAULT_HEADERS[name] as string;
  }
  Object.assign(out, headers);
  if (bodyBytes !== undefined && !present.has("content-length")) out["Content-Length"] = String(bodyBytes);
  return out;
}

export function createTransport(options: TransportOptions): Transport {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const httpAgent = new http.Agent({ keepAlive: true });
  // TLS verification is always on; there is deliberately no option to turn it off (invariant 7). A private CA goes in
  // NODE_EXTRA_CA_CERTS, which Node reads itself.
  const httpsAgentOptions = { keepAlive: true, rejectUnauthorized: true };
  const httpsAgent = new https.Agent(httpsAgentOptions);
  // One agent per instance host, chosen once: the environment's proxy does not change during a run.
  const httpsAgents = new Map<string, https.Agent>();
  const agentFor = (url: URL): http.Agent => {
    if (url.protocol !== "https:") return httpAgent;
    let agent = httpsAgents.get(url.host);
    if (agent === undefined) {
      const proxy = envProxyFor(url);
      agent = proxy === undefined ? httpsAgent : new TunnelAgent(proxy, httpsAgentOptions);
      httpsAgents.set(url.host, agent);
    }
    return agent;
  };

  return (request) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const startedMs = options.clock.nowMs();
      const { signal } = request;
      let settled = false;
      let req: ClientRequest | undefined;
      let headersTimer: NodeJS.Timeout | undefined;
      let decoder: Transform | undefined;
      // Only the code and the credential-free description travel: a Node error may quote the request.
      const fail = (code: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(headersTimer);
        signal?.removeEventListener("abort", onAbort);
        req?.destroy();
        decoder?.destroy();
        reject(
          new AttemptFailure(
            { type: "transport", code },
            `${request.description}: ${transportReason(code)} (${code})`,
            request.description,
          ),
        );
      };
      const onAbort = (): void => fail("ERR_CANCELED");
      if (signal?.aborted) return fail("ERR_CANCELED");
      const body = request.body === undefined ? undefined : Buffer.from(request.body, "utf8");
      if (body !== undefined && body.length > maxBodyBytes) return fail("EMAXCONTENT");

      try {
        const url = new URL(request.url);
        // Through the module objects, not named imports: nock (tests) replaces `request` on them.
        req = (url.protocol === "https:" ? https : http).request(url, {
          method: request.method,
          headers: withDefaultHeaders(request.headers, body?.length),
          agent: agentFor(url),
        });
      } catch (err) {
        // An invalid URL or header character: Node's message may quote the URL, so only its code goes on.
        return fail(transportCode(err));
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", (err) => fail(transportCode(err)));
      // Two clocks, as axios 1.21 had: the headers must come within timeoutMs of the start (this also bounds connecting,
      // which a socket timeout does not), and the socket may then idle at most timeoutMs between body chunks.
      headersTimer = setTimeout(() => fail("ETIMEDOUT"), timeoutMs);
      req.setTimeout(timeoutMs, () => fail("ETIMEDOUT"));
      req.on("response", (res: IncomingMessage) => {
        clearTimeout(headersTimer);
        const declaredBytes = Number(res.headers["content-length"]);
        if (declaredBytes > maxBodyBytes) return fail("EMAXCONTENT");
        // A body that stops before its end (connection closed mid-body) is the "response stream aborted" of B6.
        res.on("close", () => {
          if (!res.complete) fail("ERR_BAD_RESPONSE");
        });
        res.on("error", () => fail("ERR_BAD_RESPONSE"));
        let stream: Readable = res;
        const noBody = res.statusCode === 204 || res.statusCode === 304;
        decoder = noBody ? undefined : decompressor(res.headers["content-encoding"]);
        if (decoder !== undefined) {
          delete res.headers["content-encoding"];
          decoder.on("error", (err) => fail(transportCode(err)));
          stream = res.pipe(decoder);
        }
        const chunks: Buffer[] = [];
        let receivedBytes = 0;
        // Counted after decoding, so a small compressed body cannot unpack past the cap either.
        stream.on("data", (chunk: Buffer) => {
          receivedBytes += chunk.length;
          if (receivedBytes > maxBodyBytes) return fail("EMAXCONTENT");
          chunks.push(chunk);
        });
        stream.on("end", () => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener("abort", onAbort);
          const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, receivedBytes);
          resolve({
            status: res.statusCode ?? 0,
            headers: normalizeHeaders(res.headers),
            // Invalid UTF-8 becomes U+FFFD; a leading byte-order mark is dropped, as axios did, so JSON.parse reads it.
            bodyText: stripBom(bytes.toString("utf8")),
            durationMs: options.clock.nowMs() - startedMs,
          });
        });
      });
      req.end(body);
    });
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
