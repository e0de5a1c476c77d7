// The Table API adapter (DESIGN.md §1; A-Synthesis rule 4): pure request building (table-params, encoded-query),
// one I/O function (transport), auth, envelope validation, and the HTTP layer's retry/throttle applied once around
// each call. Records come back raw (unknown): mapping and validation to domain types belong to src/sync.
import { AttemptFailure } from "../http/attempt-failure.js";
import { serverDateMs } from "../http/backoff.js";
import { type HttpHeaders, headerValue } from "../http/http-headers.js";
import { HttpRuntime, type HttpRuntimeOptions, type HttpStats } from "../http/http-runtime.js";
import { sendWithRetry } from "../http/send-with-retry.js";
import type { Clock } from "../lib/clock.js";
import { ConnectorError, isConnectorError } from "../lib/connector-error.js";
import { AggregateEnvelope, type AggregateRequest, type AggregateResult, aggregateResult } from "./aggregate-stats.js";
import { type AuthCounters, Authenticator, type AuthSettings, type OAuthGrant } from "./auth.js";
import { type BatchItem, BatchResponse, type BatchResult, batchResult, buildBatchBody } from "./batch-body.js";
import { isSysId, queryField } from "./encoded-query.js";
import {
  instanceErrorText,
  ListEnvelope,
  parseEnvelope,
  parseJsonBody,
  RecordEnvelope,
  type ResponseBody,
} from "./envelope.js";
import { toGlideDateTime } from "./glide-date-time.js";
import { parseInstanceUrl } from "./instance-url.js";
import { redactSecrets } from "./redact.js";
import { encodeQueryString, fieldList, type ListParamsInput, listParams, SYSTEM_FIELDS } from "./table-params.js";
import { createTransport, type Transport, type TransportRequest, type TransportResponse } from "./transport.js";

export interface ServiceNowClientOptions {
  /** https://<instance>.service-now.com (http:// only for loopback or with allowInsecureHttp). */
  instanceUrl: string;
  auth: AuthSettings;
  clock: Clock;
  allowInsecureHttp?: boolean;
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Retry and throttle settings; ignored when `runtime` is given. */
  http?: Omit<HttpRuntimeOptions, "clock">;
  /** Share one runtime (gate, budget, limiter) between clients of the same instance. */
  runtime?: HttpRuntime;
  /** The one I/O function; Node's http/https by default (transport.ts), injectable for tests. */
  transport?: Transport;
  /** Aborts in-flight requests and retries (SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

export type RequestKind = "list" | "get" | "patch" | "create" | "batch" | "aggregate" | "token";

export interface RateLimitInfo {
  limitPerHour: number | undefined;
  resetEpochS: number | undefined;
  rule: string | undefined;
}

export interface ListPage {
  records: unknown[];
  /** The instance's clock at the response (`Date` header) as UTC `YYYY-MM-DD HH:mm:ss`, for signposts (B5.2). */
  serverDate: string | undefined;
  /** Present when a rate limit rule matched (§3.1). */
  rateLimit: RateLimitInfo | undefined;
  /** X-Total-Count, when the request asked for a count: rows matching BEFORE ACL filtering (§1.3). */
  totalCount?: number;
}

export interface ClientStats {
  requests: Record<RequestKind, number>;
  http: HttpStats;
  auth: AuthCounters;
}

interface CallSpec {
  kind: RequestKind;
  method: TransportRequest["method"];
  path: string;
  query?: Record<string, string>;
  body?: string;
  contentType?: string;
  idempotent?: boolean;
  /** False for the token request itself. */
  authenticated?: boolean;
  description?: string;
}

const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;

function tableName(name: string): string {
  if (!TABLE_NAME.test(name) || name.length > 80) {
    throw new ConnectorError(
      "config",
      `Invalid table name ${JSON.stringify(name)}: lower-case letters, digits and "_" (e.g. cmdb_ci_service).`,
    );
  }
  return name;
}

function sysIdSegment(sysId: string): string {
  if (!isSysId(sysId)) {
    throw new ConnectorError("data", `Invalid sys_id ${JSON.stringify(sysId)}: expected 32 lower-case hex characters.`);
  }
  return sysId;
}

function rateLimitInfo(headers: HttpHeaders): RateLimitInfo | undefined {
  const limit = headerValue(headers, "x-ratelimit-limit");
  const reset = headerValue(headers, "x-ratelimit-reset");
  const rule = headerValue(headers, "x-ratelimit-rule");
  if (limit === undefined && reset === undefined && rule === undefined) return undefined;
  const int = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined);
  return { limitPerHour: int(limit), resetEpochS: int(reset), rule };
}

function totalCount(headers: HttpHeaders): { totalCount?: number } {
  const text = headerValue(headers, "x-total-count");
  return text !== undefined && /^\d+$/.test(text) ? { totalCount: Number(text) } : {};
}

function serverDate(headers: HttpHeaders): string | undefined {
  const ms = serverDateMs(headers);
  return ms === undefined ? undefined : toGlideDateTime(ms);
}

/** True for the error of a request whose record does not exist (or is hidden by an ACL): tombstone it. */
export function isNotFound(err: unknown): boolean {
  return isConnectorError(err) && err.status === 404;
}

export class ServiceNowClient {
  readonly baseUrl: string;
  readonly runtime: HttpRuntime;
  readonly #auth: Authenticator;
  readonly #transport: Transport;
  readonly #signal: AbortSignal | undefined;
  readonly #requests: Record<RequestKind, number> = {
    list: 0,
    get: 0,
    patch: 0,
    create: 0,
    batch: 0,
    aggregate: 0,
    token: 0,
  };
  #batchCount = 0;

  constructor(options: ServiceNowClientOptions) {
    const url = parseInstanceUrl(options.instanceUrl, { allowInsecureHttp: options.allowInsecureHttp });
    this.baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
    this.runtime = options.runtime ?? new HttpRuntime({ ...options.http, clock: options.clock });
    this.#transport =
      options.transport ??
      createTransport({ clock: options.clock, timeoutMs: options.timeoutMs, maxBodyBytes: options.maxBodyBytes });
    this.#signal = options.signal;
    this.#auth = new Authenticator(options.auth, (form, grant) => this.#requestToken(form, grant), options.clock);
  }

  /** One page of a list query. Stops nothing and skips nothing: empty and `{}` rows are the caller's business. */
  listPage(table: string, params: ListParamsInput): Promise<ListPage> {
    return this.#call(
      { kind: "list", method: "GET", path: `/api/now/table/${tableName(table)}`, query: listParams(params) },
      (response, description) => ({
        records: parseEnvelope(ListEnvelope, response, description).result,
        serverDate: serverDate(response.headers),
        rateLimit: rateLimitInfo(response.headers),
        ...totalCount(response.headers),
      }),
    );
  }

  /** One record by sys_id. A missing record rejects with status 404 (see isNotFound). */
  getRecord(table: string, sysId: string, fields?: readonly string[]): Promise<Record<string, unknown>> {
    const query: Record<string, string> = {
      ...(fields === undefined ? {} : { sysparm_fields: fieldList(fields).join(",") }),
      sysparm_display_value: "false",
      sysparm_exclude_reference_link: "true",
    };
    return this.#call(
      { kind: "get", method: "GET", path: `/api/now/table/${tableName(table)}/${sysIdSegment(sysId)}`, query },
      (response, description) => parseEnvelope(RecordEnvelope, response, description).result,
    );
  }

  /**
   * PATCH the given fields of one record (stored values, not display values). The echo is limited to the system
   * fields plus `echoFields`, so a write does not download the whole record. 404 → isNotFound (tombstone).
   */
  patchRecord(
    table: string,
    sysId: string,
    fields: Readonly<Record<string, string>>,
    options: { echoFields?: readonly string[] } = {},
  ): Promise<Record<string, unknown>> {
    for (const name of Object.keys(fields)) queryField(name);
    const query = {
      sysparm_fields: fieldList(options.echoFields ?? [], SYSTEM_FIELDS).join(","),
      sysparm_input_display_value: "false",
      sysparm_exclude_reference_link: "true",
    };
    return this.#call(
      {
        kind: "patch",
        method: "PATCH",
        path: `/api/now/table/${tableName(table)}/${sysIdSegment(sysId)}`,
        query,
        body: JSON.stringify(fields),
        contentType: "application/json",
      },
      (response, description) => parseEnvelope(RecordEnvelope, response, description).result,
    );
  }

  /**
   * POST one new record (stored values). Never repeated after the request may have reached the instance: a replay
   * would create a second record (B5.6); only outcomes that prove it was not processed
   * (429, 503, connection refused; retry-policy.ts) are retried. Used by `empreinte setup --create-columns`.
   */
  createRecord(
    table: string,
    values: Readonly<Record<string, string>>,
    options: { echoFields?: readonly string[] } = {},
  ): Promise<Record<string, unknown>> {
    for (const name of Object.keys(values)) queryField(name);
    const query = {
      sysparm_fields: fieldList(options.echoFields ?? [], ["sys_id"]).join(","),
      sysparm_input_display_value: "false",
      sysparm_exclude_reference_link: "true",
    };
    return this.#call(
      {
        kind: "create",
        method: "POST",
        path: `/api/now/table/${tableName(table)}`,
        query,
        body: JSON.stringify(values),
        contentType: "application/json",
        idempotent: false,
      },
      (response, description) => parseEnvelope(RecordEnvelope, response, description).result,
    );
  }

  /**
   * One Batch API call. It is repeated on transient failures only when every item is idempotent (no POST): then a
   * replay rewrites the same absolute values. Per-item statuses (404, 403) are the caller's to read.
   */
  batch(items: readonly BatchItem[]): Promise<BatchResult> {
    this.#batchCount++;
    return this.#call(
      {
        kind: "batch",
        method: "POST",
        path: "/api/now/v1/batch",
        body: buildBatchBody(String(this.#batchCount), items),
        contentType: "application/json",
        idempotent: items.every((item) => item.method !== "POST"),
        description: `POST /api/now/v1/batch (${items.length} items)`,
      },
      (response, description) => batchResult(parseEnvelope(BatchResponse, response, description)),
    );
  }

  aggregate(table: string, request: AggregateRequest): Promise<AggregateResult> {
    const query: Record<string, string> = {};
    if (request.query !== undefined && request.query !== "") query.sysparm_query = request.query;
    if (request.count === true) query.sysparm_count = "true";
    if (request.min !== undefined && request.min.length > 0)
      query.sysparm_min_fields = request.min.map(queryField).join(",");
    if (request.max !== undefined && request.max.length > 0)
      query.sysparm_max_fields = request.max.map(queryField).join(",");
    if (request.sum !== undefined && request.sum.length > 0)
      query.sysparm_sum_fields = request.sum.map(queryField).join(",");
    return this.#call(
      { kind: "aggregate", method: "GET", path: `/api/now/stats/${tableName(table)}`, query },
      (response, description) => aggregateResult(parseEnvelope(AggregateEnvelope, response, description), description),
    );
  }

  stats(): ClientStats {
    return { requests: { ...this.#requests }, http: this.runtime.stats(), auth: this.#auth.counters };
  }

  #requestToken(form: Readonly<Record<string, string>>, grant: OAuthGrant): Promise<unknown> {
    return this.#call(
      {
        kind: "token",
        method: "POST",
        path: "/oauth_token.do",
        // §4: form-encoded only ("application/json results in an unspecified error").
        body: new URLSearchParams(form).toString(),
        contentType: "application/x-www-form-urlencoded",
        // Asking for a token creates nothing: a password grant within the token's life returns the same token (§4).
        idempotent: true,
        authenticated: false,
        description: `POST /oauth_token.do (${grant} grant)`,
      },
      (response, description) => parseJsonBody(response, description),
    );
  }

  #call<T>(spec: CallSpec, interpret: (response: ResponseBody, description: string) => T): Promise<T> {
    const queryString =
      spec.query === undefined || Object.keys(spec.query).length === 0 ? "" : `?${encodeQueryString(spec.query)}`;
    const url = `${this.baseUrl}${spec.path}${queryString}`;
    const description = spec.description ?? `${spec.method} ${spec.path}${queryString}`;
    const authenticated = spec.authenticated !== false;
    const signal = this.#signal;
    let usedAuthorization: string | undefined;
    this.#requests[spec.kind]++;
    return sendWithRetry(
      { method: spec.method, description, idempotent: spec.idempotent },
      async () => {
        const headers: Record<string, string> = { Accept: "application/json" };
        if (spec.contentType !== undefined) headers["Content-Type"] = spec.contentType;
        if (authenticated) {
          usedAuthorization = await this.#auth.authorization(signal);
          headers.Authorization = usedAuthorization;
        }
        const response = await this.#transport({
          method: spec.method,
          url,
          headers,
          body: spec.body,
          signal,
          description,
        });
        this.runtime.observeResponse(response.headers);
        if (response.status < 200 || response.status > 299) throw this.#statusFailure(response, description);
        return interpret(response, description);
      },
      this.runtime,
      {
        signal,
        // The token request must not wait for a slot held by requests that wait for the token.
        throttle: authenticated,
        onUnauthorized: authenticated ? () => this.#auth.onUnauthorized(usedAuthorization) : undefined,
      },
    );
  }

  #statusFailure(response: TransportResponse, description: string): AttemptFailure {
    const said = instanceErrorText(response.bodyText);
    const text = said === undefined ? "(no error message)" : redactSecrets(said, this.#auth.secrets());
    return new AttemptFailure(
      { type: "status", status: response.status, headers: response.headers },
      `${description}: HTTP ${response.status} ${text}${this.#hint(response)}`,
      description,
    );
  }

  #hint(response: TransportResponse): string {
    const { status } = response;
    if (status === 401) return `. ${this.#auth.unauthorizedHint}`;
    if (status === 403) {
      return (
        ". The integration user lacks a right: read on the table (and on sys_id and sys_updated_on, which the " +
        "cursor queries by), or write on the owned fields. Ask the instance admin to grant it."
      );
    }
    if (status === 400) return ". Check the table name and the query filter in the configuration.";
    if (status >= 300 && status < 400) {
      let where = "elsewhere";
      try {
        where = new URL(headerValue(response.headers, "location") ?? "", this.baseUrl).host;
      } catch {
        // keep "elsewhere"
      }
      return `. The instance redirected to ${where}: an SSO gateway, or the wrong instance URL?`;
    }
    return "";
  }
}
