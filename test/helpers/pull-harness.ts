// One pull test bench: an embedded dev instance, a connector configuration pointing at it (built the way the CLI
// builds it, from SN_* variables plus a config document), a temp SQLite cache, and the figures the fault matrix asks
// for (reference/style-reliability-ecosystem.md B6): requests seen by the instance, content hashes on both sides,
// and recordsMissing = instance records absent from the cache or different in it, with their sys_ids.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import type Database from "better-sqlite3";
import { stringify } from "yaml";
import type { EmpreinteConfig } from "../../src/config/config-schema.js";
import { resolveConfig } from "../../src/config/resolve-config.js";
import type { StreamName } from "../../src/domain/cursor.js";
import { type Clock, systemClock } from "../../src/lib/clock.js";
import { createLogger, type Logger } from "../../src/observability/logger.js";
import type { ServiceNowClient } from "../../src/servicenow/table-client.js";
import { fieldList } from "../../src/servicenow/table-params.js";
import type { DevInstance } from "../../src/simulator/server/dev-instance.js";
import { DevInstance as DevInstanceClass } from "../../src/simulator/server/dev-instance.js";
import type { DevInstanceOptions } from "../../src/simulator/server/dev-instance-options.js";
import type { LedgerRequest } from "../../src/simulator/store/ledger.js";
import { CacheRepository } from "../../src/store/cache-repository.js";
import { Lease } from "../../src/store/lease.js";
import { openDatabase } from "../../src/store/open-database.js";
import { connectInstance } from "../../src/sync/connect-instance.js";
import { type PullRunDeps, type PullRunOptions, type PullSummary, runPull } from "../../src/sync/run-pull.js";
import { serviceStream, usageStream } from "../../src/sync/stream-specs.js";

export const ANCHOR_MONTH = "2026-11";
/** A human who edits records in the seeded directory (sys_user.user_name). */
export const HUMAN = "marie.dupont";
export const REPO_ROOT = resolve(import.meta.dirname, "../..");

export interface PullHarnessOptions {
  /** Dev instance options; small by default (150 services × 6 months). */
  instance?: DevInstanceOptions;
  /** Config document laid under the environment, as a YAML file would give it. Page size 50 unless set. */
  document?: Record<string, unknown>;
  /**
   * basic (default); oauth = SN_CLIENT_ID/SN_CLIENT_SECRET with SN_USERNAME/SN_PASSWORD (password grant);
   * oauth-client = SN_CLIENT_ID/SN_CLIENT_SECRET alone (client_credentials grant).
   */
  auth?: "basic" | "oauth" | "oauth-client";
}

export interface PullCall {
  full?: boolean;
  since?: string;
  clock?: Clock;
  signal?: AbortSignal;
  /** A client of the test's own (to read its stats); built from the config otherwise. */
  client?: ServiceNowClient;
  onProgress?: PullRunDeps["onProgress"];
}

export interface MissingRecords {
  stream: StreamName;
  /** Records on the instance. */
  expected: number;
  /** Instance records absent from the cache or different in it (fields the connector requests). */
  missing: number;
  /** Their sys_ids (first 20). */
  sysIds: string[];
  /** Live cache rows the instance does not have. */
  extra: number;
  /** Same sys_id cached twice (impossible with a primary key, counted to prove it). */
  duplicateCacheRows: number;
}

interface TableHash {
  table: string;
  count: number;
  sha256: string;
}

/** A clock on real time whose sleeps return at once and move it forward: backoff is virtual, the instance is real. */
export class WarpClock implements Clock {
  #skewMs = 0;
  readonly sleeps: number[] = [];

  nowMs(): number {
    return Date.now() + this.#skewMs;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.#skewMs += ms;
    await new Promise<void>((r) => setImmediate(r));
  }
}

/** A logger that keeps its lines, so a test can assert on a warning. */
export function memoryLogger(): { log: Logger; lines: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const log = createLogger({ level: "info", format: "json", destination });
  return { log, lines: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      typeof v === "object" && v !== null && !Array.isArray(v) && typeof prev === "object" && prev !== null
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** Runs `fn` holding the database's lease, as `state reset` would: the cache's writes need a fencing token. */
export function withLease<T>(db: Database.Database, fn: (fencingToken: number) => T): T {
  const lease = new Lease(db);
  const { fencingToken } = lease.acquire({ owner: "test", ttlMs: 60_000, nowMs: Date.now(), hostname: "test" });
  try {
    return fn(fencingToken);
  } finally {
    lease.release(fencingToken);
  }
}

export class PullHarness {
  readonly sim: DevInstance;
  readonly dir: string;
  readonly dbPath: string;
  readonly configPath: string;
  readonly env: Record<string, string>;
  readonly document: Record<string, unknown>;
  readonly config: EmpreinteConfig;
  readonly db: Database.Database;
  readonly cache: CacheRepository;
  readonly logged = memoryLogger();
  #cliConfigs = 0;

  private constructor(sim: DevInstance, options: PullHarnessOptions) {
    this.sim = sim;
    this.dir = mkdtempSync(join(tmpdir(), "empreinte-pull-"));
    this.dbPath = join(this.dir, "cache.db");
    this.configPath = join(this.dir, "empreinte.yaml");
    const { url, username, password, clientId, clientSecret } = sim.credentials;
    const auth = options.auth ?? "basic";
    this.env = {
      SN_INSTANCE_URL: url,
      ...(auth !== "oauth-client" ? { SN_USERNAME: username, SN_PASSWORD: password } : {}),
      ...(auth !== "basic" ? { SN_CLIENT_ID: clientId, SN_CLIENT_SECRET: clientSecret } : {}),
      EMPREINTE_DB: this.dbPath,
      EMPREINTE_CONFIG: this.configPath,
    };
    this.document = deepMerge(
      { catalogue: { pageSize: 50 }, usage: { pageSize: 50 }, sync: { fullReconcileEveryNRuns: 0 } },
      options.document ?? {},
    );
    writeFileSync(this.configPath, stringify(this.document));
    this.config = resolveConfig({ document: this.document, env: this.env }).config;
    this.db = openDatabase({ path: this.dbPath, synchronous: "normal" });
    this.cache = new CacheRepository(this.db);
  }

  static async start(options: PullHarnessOptions = {}): Promise<PullHarness> {
    const sim = await DevInstanceClass.start({
      anchorMonth: ANCHOR_MONTH,
      services: 150,
      months: 6,
      ...options.instance,
    });
    return new PullHarness(sim, options);
  }

  /** One in-process `pull` run (real clock unless given; a WarpClock makes backoff virtual). */
  pull(call: PullCall = {}): Promise<PullSummary> {
    const options: PullRunOptions = {
      full: call.full === true,
      owner: "test",
      ...(call.since !== undefined ? { since: call.since } : {}),
    };
    return runPull(
      {
        db: this.db,
        config: this.config,
        clock: call.clock ?? systemClock,
        log: this.logged.log,
        ...(call.signal ? { signal: call.signal } : {}),
        ...(call.client ? { clients: new Map([[this.config.catalogue.instance, call.client]]) } : {}),
        ...(call.onProgress ? { onProgress: call.onProgress } : {}),
      },
      options,
    );
  }

  /** The connector's client of the configured instance, as runPull would build it. */
  client(clock: Clock = systemClock): ServiceNowClient {
    return connectInstance(this.config, this.config.catalogue.instance, { clock });
  }

  /** The columns the connector requests for a stream (sysparm_fields), system fields included. */
  /**
   * The record's own fields the pull reads, for the content hashes: the dot-walked names (`owned_by.name`) are the
   * referenced records' values, which the instance's hash of this table does not hold.
   */
  fields(stream: StreamName): string[] {
    const spec = stream === "services" ? serviceStream(this.config) : usageStream(this.config);
    return fieldList(spec.fields).filter((f) => !f.includes("."));
  }

  table(stream: StreamName): string {
    return stream === "services" ? this.config.catalogue.table : this.config.usage.table;
  }

  async admin<T>(path: string, init: RequestInit = {}): Promise<T> {
    const res = await fetch(`${this.sim.url}/_sim/${path}`, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`/_sim/${path}: ${res.status} ${text}`);
    return (JSON.parse(text) as { result: T }).result;
  }

  /** The instance's content hash over the connector's columns (GET /_sim/hash/{table}). */
  instanceHash(stream: StreamName): Promise<TableHash> {
    return this.admin<TableHash>(`hash/${this.table(stream)}?fields=${this.fields(stream).join(",")}`);
  }

  cacheHash(stream: StreamName): { count: number; sha256: string } {
    return this.cache.contentHash(stream, this.fields(stream));
  }

  /**
   * recordsMissing of the fault matrix: equal hashes prove 0; otherwise every instance record is compared with the
   * cached raw row (read back through the Table API, keyset on sys_id) to name the missing or different ones.
   */
  async recordsMissing(stream: StreamName): Promise<MissingRecords> {
    const remote = await this.instanceHash(stream);
    const local = this.cacheHash(stream);
    const duplicateCacheRows = this.duplicateRows(stream);
    if (remote.sha256 === local.sha256 && remote.count === local.count) {
      return { stream, expected: remote.count, missing: 0, sysIds: [], extra: 0, duplicateCacheRows };
    }
    const fields = this.fields(stream);
    const cached = new Map<string, string>();
    const sql =
      stream === "services"
        ? "SELECT sys_id, raw_json FROM services WHERE tombstoned_at IS NULL"
        : "SELECT sys_id, raw_json FROM usage_months WHERE tombstoned_at IS NULL";
    for (const row of this.db.prepare<[], { sys_id: string; raw_json: string }>(sql).iterate()) {
      const raw = JSON.parse(row.raw_json) as Record<string, unknown>;
      cached.set(row.sys_id, JSON.stringify(fields.map((f) => raw[f] ?? "")));
    }
    const sysIds: string[] = [];
    let missing = 0;
    let expected = 0;
    // The walk reads as the integration user: injected faults would hit it too, so they pause meanwhile.
    const faults = this.sim.faults.settings();
    this.sim.setFaults({});
    try {
      for await (const record of this.instanceRecords(stream, fields)) {
        expected++;
        const id = String(record.sys_id);
        const mine = cached.get(id);
        cached.delete(id);
        if (mine !== JSON.stringify(fields.map((f) => record[f] ?? ""))) {
          missing++;
          if (sysIds.length < 20) sysIds.push(id);
        }
      }
    } finally {
      this.sim.setFaults(faults);
    }
    return { stream, expected, missing, sysIds, extra: cached.size, duplicateCacheRows };
  }

  private duplicateRows(stream: StreamName): number {
    const sql =
      stream === "services"
        ? "SELECT COUNT(*) - COUNT(DISTINCT sys_id) AS n FROM services"
        : "SELECT COUNT(*) - COUNT(DISTINCT sys_id) AS n FROM usage_months";
    return this.db.prepare<[], { n: number }>(sql).get()?.n ?? 0;
  }

  /** Every record of a stream's table as the integration user reads it (injected faults apply: turn them off). */
  async *instanceRecords(stream: StreamName, fields: readonly string[]): AsyncGenerator<Record<string, string>> {
    let after = "";
    for (;;) {
      const query = after === "" ? "ORDERBYsys_id" : `sys_id>${after}^ORDERBYsys_id`;
      const params = new URLSearchParams({
        sysparm_query: query,
        sysparm_fields: fields.join(","),
        sysparm_limit: "5000",
        sysparm_exclude_reference_link: "true",
        sysparm_no_count: "true",
      });
      const body = await this.api<{ result: Record<string, string>[] }>(
        `/api/now/table/${this.table(stream)}?${params}`,
      );
      if (body.result.length === 0) return;
      yield* body.result;
      after = String(body.result[body.result.length - 1]?.sys_id);
    }
  }

  /** A Table API call as the integration user (Basic), outside the connector. */
  async api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const { username, password } = this.sim.credentials;
    const headers = new Headers(init.headers);
    headers.set("authorization", `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`);
    headers.set("accept", "application/json");
    const res = await fetch(`${this.sim.url}${path}`, { ...init, headers });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${text}`);
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }

  /** Table API count of a table's records matching a query (Aggregate API). */
  async count(stream: StreamName, query = ""): Promise<number> {
    const q = query === "" ? "" : `&sysparm_query=${encodeURIComponent(query)}`;
    const body = await this.api<{ result: { stats: { count: string } } }>(
      `/api/now/stats/${this.table(stream)}?sysparm_count=true${q}`,
    );
    return Number(body.result.stats.count);
  }

  /** sys_ids of a table, in sys_id order, optionally filtered. */
  async sysIds(stream: StreamName, query = "", limit = 10_000): Promise<string[]> {
    const q = `${query === "" ? "" : `${query}^`}ORDERBYsys_id`;
    const body = await this.api<{ result: { sys_id: string }[] }>(
      `/api/now/table/${this.table(stream)}?sysparm_fields=sys_id&sysparm_limit=${limit}&sysparm_query=${encodeURIComponent(q)}`,
    );
    return body.result.map((r) => r.sys_id);
  }

  /** A human edits a record in the instance's UI (admin endpoint): sys_updated_on moves to the instance's now. */
  humanEdit(stream: StreamName, sysId: string, values: Record<string, string | number>): Promise<unknown> {
    return this.admin(`records/${this.table(stream)}/${sysId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: HUMAN, values }),
    });
  }

  /** Id of the last request in the instance's ledger (0 when none): a mark to count requests after. */
  lastRequestId(): number {
    return this.sim.ledger.lastIds().request;
  }

  /** Table/Aggregate API requests the instance answered after `sinceId` (admin calls excluded). */
  async apiRequestsSince(sinceId: number): Promise<LedgerRequest[]> {
    return this.admin<LedgerRequest[]>(`ledger/requests?sinceId=${sinceId}&pathPrefix=/api/now`);
  }

  /**
   * The CLI as an operator runs it (a child process), with this harness's environment; `document` is laid over the
   * harness's config file for this run only (e.g. fewer retries).
   */
  runCli(
    args: readonly string[],
    extraEnv: Record<string, string> = {},
    document?: Record<string, unknown>,
  ): Promise<CliResult> {
    const env = { ...this.env, ...extraEnv };
    if (document !== undefined) {
      const path = join(this.dir, `cli-${++this.#cliConfigs}.yaml`);
      writeFileSync(path, stringify(deepMerge(this.document, document)));
      env.EMPREINTE_CONFIG = path;
    }
    return runCli(args, env);
  }

  async close(): Promise<void> {
    this.db.close();
    await this.sim.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/**
 * `node --import tsx src/cli/main.ts …` in the repository root, with only the given variables added to PATH/HOME;
 * with `{ built: true }`, the compiled `dist/cli/main.js` instead (built by `npm ci`'s prepare script).
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  options: { built?: boolean } = {},
): Promise<CliResult> {
  const started = Date.now();
  const entry = options.built ? ["dist/cli/main.js"] : ["--import", "tsx", "src/cli/main.ts"];
  if (options.built && !existsSync(resolve(REPO_ROOT, "dist/cli/main.js"))) {
    return Promise.reject(new Error("dist/ is missing: run `npm run build` (npm ci does it)"));
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...entry, ...args], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        TZ: "UTC",
        LOG_FORMAT: "json",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr, wallMs: Date.now() - started }));
  });
}

export const MOCK_ORIGIN = "https://acme.service-now.com";
export const MOCK_USER = "empreinte.integration";
export const MOCK_PASSWORD = "mock-password";

/** A connector configured for a mocked instance (nock) with an in-memory cache, for exact request sequences. */
export class MockBench {
  readonly config: EmpreinteConfig;
  readonly db: Database.Database;
  readonly cache: CacheRepository;
  readonly logged = memoryLogger();

  constructor(document: Record<string, unknown> = {}) {
    this.config = resolveConfig({
      document: deepMerge(
        { catalogue: { pageSize: 50 }, usage: { pageSize: 50 }, sync: { fullReconcileEveryNRuns: 0 } },
        document,
      ),
      env: { SN_INSTANCE_URL: MOCK_ORIGIN, SN_USERNAME: MOCK_USER, SN_PASSWORD: MOCK_PASSWORD },
    }).config;
    this.db = openDatabase({ path: ":memory:" });
    this.cache = new CacheRepository(this.db);
  }

  client(clock: Clock = systemClock): ServiceNowClient {
    return connectInstance(this.config, this.config.catalogue.instance, { clock });
  }

  pull(call: PullCall = {}): Promise<PullSummary> {
    const clock = call.clock ?? systemClock;
    return runPull(
      {
        db: this.db,
        config: this.config,
        clock,
        log: this.logged.log,
        clients: new Map([[this.config.catalogue.instance, call.client ?? this.client(clock)]]),
        ...(call.onProgress ? { onProgress: call.onProgress } : {}),
      },
      { full: call.full === true, owner: "test" },
    );
  }

  close(): void {
    this.db.close();
  }
}

/** A valid catalogue record as the Table API returns it (stored values, plain sys_ids). */
export function mockService(n: number, updatedOn: string): Record<string, string> {
  return {
    sys_id: n.toString(16).padStart(32, "0"),
    sys_updated_on: updatedOn,
    sys_mod_count: "1",
    sys_class_name: "cmdb_ci_service_business",
    name: `Service ${n}`,
    operational_status: "1",
    u_hosting_mode: "vcpu",
    u_vcpu_count: "4",
  };
}
