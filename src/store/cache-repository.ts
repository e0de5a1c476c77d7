// The cache of pulled records: the page commit (DESIGN.md §4 invariant 1), cursors, tombstones, reads for the later
// stages and a content hash comparable with the dev instance's. Every write that moves sync state checks the lease's
// fencing token inside its own transaction (reference/style-reliability-ecosystem.md B5.5), so a run that lost the
// lease cannot commit anything, even a page it had already fetched.
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import type { Cursor, StreamName } from "../domain/cursor.js";
import type { DeclaredHosting, Service } from "../domain/service.js";
import type { UsageMonth } from "../domain/usage-month.js";
import { ConnectorError } from "../lib/connector-error.js";
import { EstimateInputs } from "./estimate-inputs.js";
import { Lease } from "./lease.js";
import { READ_INDEXES_SQL } from "./migrations.js";
import { toStoreError } from "./to-store-error.js";
import { type WindowFingerprint, WindowFingerprints } from "./window-fingerprint.js";

/** A record as the Table API returned it (string values, references as plain sys_ids). */
export type RawRecord = Readonly<Record<string, unknown>>;

export interface ServiceRow {
  service: Service;
  raw: RawRecord;
}

export interface UsageRow {
  usage: UsageMonth;
  raw: RawRecord;
}

export interface QuarantinedRecord {
  /** "" when the record has no usable sys_id: it is then deduplicated by a hash of its raw JSON. */
  sysId: string;
  reason: string;
  /** Whatever arrived, kept verbatim (JSON-serialisable) for `quarantine list` and retry. */
  raw: unknown;
}

export interface PageCommit<R> {
  records: readonly R[];
  quarantined: readonly QuarantinedRecord[];
  /**
   * Extra sys_ids whose open quarantine rows are to be marked resolved. Records upserted by this page are resolved
   * anyway (they parse now), so this is only for records resolved by other means.
   */
  resolvedSysIds?: readonly string[];
  /** The keyset position after this page; the stored cursor only ever moves forward (see `commitPage`). */
  cursor: Cursor;
  /**
   * Append the records to the stream's staging table instead of upserting them (a first full load, see
   * `isStagedLoad`); `mergeStaged` moves them into the keyed table at the end of the read.
   */
  staged?: boolean;
  /**
   * A page of one slice of a sliced staged load (src/sync/pull-slices.ts): the stream's plan with this slice's new
   * position, stored in place of the previous one in the same transaction; the stream's cursor is left where it is
   * (every slice has its own position until the load ends, see `mergeStaged`).
   */
  slicePlan?: string;
  fencingToken: number;
  nowMs: number;
}

export interface PageCommitResult {
  /** Records inserted, changed, or restored from a tombstone. */
  written: number;
  /** Records re-read in the same version (lookback window): nothing rewritten. */
  unchanged: number;
  quarantined: number;
  resolved: number;
  /** The stored cursor after the commit. */
  cursor: Cursor;
}

export interface CacheCounts {
  services: { live: number; retired: number; tombstoned: number };
  usage: { live: number; tombstoned: number };
}

export interface ContentHash {
  stream: StreamName;
  count: number;
  sha256: string;
  fields: string[];
}

/** How a merge ends the staged load (see `mergeStaged`). */
export interface MergeEnd {
  /**
   * Keep the load open (its marker and its slice plan): a sliced load stopped by an error, whose next run resumes
   * its slices, still staging.
   */
  keepOpen?: boolean;
  /** The stream's cursor after a sliced load, moved forward in the same transaction (`nowMs` stamps it). */
  cursor?: { to: Cursor; nowMs: number };
}

export interface MergeResult {
  /** Staged rows read (versions, duplicates included). */
  staged: number;
  /** Rows written into the keyed table: one per sys_id, plus one per later version of a sys_id staged twice. */
  merged: number;
}

/**
 * Values of one staged row, one per column of the stream's staging table in table order, `received_at` excepted
 * (the commit stamps it): see `encodeStagedRows`.
 */
export const STAGED_ROW_WIDTH: Readonly<Record<StreamName, number>> = { services: 14, usage: 12 };

/**
 * A staged page as flat positional values, `STAGED_ROW_WIDTH[stream]` per row: what a staged page commit appends,
 * built apart so that another thread can append it (src/sync/staged-writer.ts). Otherwise as `PageCommit`.
 */
export interface StagedPage {
  stream: StreamName;
  values: unknown[];
  quarantined: readonly QuarantinedRecord[];
  resolvedSysIds?: readonly string[];
  cursor: Cursor;
  slicePlan?: string;
  fencingToken: number;
  nowMs: number;
}

export interface ListServicesOptions {
  includeRetired?: boolean;
  includeTombstoned?: boolean;
}

interface ServiceDbRow {
  sys_id: string;
  name: string;
  class_name: string;
  operational_status: string;
  retired: number;
  criticality: string;
  owned_by: string;
  support_group: string;
  domain: string;
  hosting: string;
  owned: string;
  sys_updated_on: string;
  sys_mod_count: number;
}

interface UsageDbRow {
  sys_id: string;
  service_sys_id: string;
  period: string;
  visits: number | null;
  page_views: number | null;
  transactions: number | null;
  data_gb: number | null;
  avg_session_min: number | null;
  mobile_share: number | null;
  sys_updated_on: string;
}

interface CursorDbRow {
  stream: StreamName;
  updated_on: string;
  sys_id: string;
}

const STREAMS: readonly StreamName[] = ["services", "usage"];

/** Meta key of a stream's slice plan while a sliced load is in progress (src/sync/plan-slices.ts). */
const slicePlanKey = (stream: StreamName) => `slicePlan:${stream}`;

const SERVICE_COLUMNS =
  "sys_id, name, class_name, operational_status, retired, criticality, owned_by, support_group, domain, hosting, " +
  "owned, sys_updated_on, sys_mod_count";
const USAGE_COLUMNS =
  "sys_id, service_sys_id, period, visits, page_views, transactions, data_gb, avg_session_min, mobile_share, " +
  "sys_updated_on";

const iso = (ms: number): string => new Date(ms).toISOString();
const orNull = (n: number | undefined): number | null => (n === undefined ? null : n);

/** Declared hosting with every key present (undefined when not declared): one object shape for the estimator. */
function hostingOf(json: string): DeclaredHosting {
  const h = JSON.parse(json) as DeclaredHosting;
  return {
    mode: h.mode,
    vcpus: h.vcpus,
    ramGb: h.ramGb,
    ssdTb: h.ssdTb,
    hddTb: h.hddTb,
    servers: h.servers,
    pue: h.pue,
    cpuUtilization: h.cpuUtilization,
    shareOfHost: h.shareOfHost,
    hostCountry: h.hostCountry,
  };
}

function toService(row: ServiceDbRow): Service {
  return {
    sysId: row.sys_id,
    name: row.name,
    className: row.class_name,
    operationalStatus: row.operational_status,
    retired: row.retired === 1,
    criticality: row.criticality,
    ownedBy: row.owned_by,
    supportGroup: row.support_group,
    domain: row.domain,
    hosting: hostingOf(row.hosting),
    owned: JSON.parse(row.owned) as Record<string, string>,
    sysUpdatedOn: row.sys_updated_on,
    sysModCount: row.sys_mod_count,
  };
}

function toUsage(row: UsageDbRow): UsageMonth {
  // Absent metrics are undefined (not null): the estimation applies its defaults to undefined only. Every key is
  // always present so that all usage objects share one shape (V8 keeps the estimation's property reads monomorphic:
  // measured 2x faster on 2.2M rows than objects with missing keys).
  return {
    sysId: row.sys_id,
    serviceSysId: row.service_sys_id,
    period: row.period,
    visits: row.visits ?? undefined,
    pageViews: row.page_views ?? undefined,
    transactions: row.transactions ?? undefined,
    dataGb: row.data_gb ?? undefined,
    avgSessionMin: row.avg_session_min ?? undefined,
    mobileShare: row.mobile_share ?? undefined,
    sysUpdatedOn: row.sys_updated_on,
  };
}

/** The record's sys_mod_count when it carries one (usage does not map it): orders versions in the staged merge. */
function modCountOf(raw: RawRecord): number | null {
  const n = Number(raw.sys_mod_count);
  return raw.sys_mod_count !== undefined && raw.sys_mod_count !== "" && Number.isInteger(n) ? n : null;
}

/** The rows of a staged page as `StagedPage.values`: the staging table's columns in order, JSON columns as text. */
export function encodeStagedRows(stream: "services", records: readonly ServiceRow[]): unknown[];
export function encodeStagedRows(stream: "usage", records: readonly UsageRow[]): unknown[];
export function encodeStagedRows(stream: StreamName, records: readonly (ServiceRow | UsageRow)[]): unknown[] {
  const values: unknown[] = [];
  if (stream === "services") {
    for (const { service: s, raw } of records as readonly ServiceRow[]) {
      values.push(
        s.sysId,
        s.name,
        s.className,
        s.operationalStatus,
        s.retired ? 1 : 0,
        s.criticality,
        s.ownedBy,
        s.supportGroup,
        s.domain,
        JSON.stringify(s.hosting),
        JSON.stringify(s.owned),
        s.sysUpdatedOn,
        s.sysModCount,
        JSON.stringify(raw),
      );
    }
  } else {
    for (const { usage: u, raw } of records as readonly UsageRow[]) {
      values.push(
        u.sysId,
        u.serviceSysId,
        u.period,
        orNull(u.visits),
        orNull(u.pageViews),
        orNull(u.transactions),
        orNull(u.dataGb),
        orNull(u.avgSessionMin),
        orNull(u.mobileShare),
        u.sysUpdatedOn,
        modCountOf(raw),
        JSON.stringify(raw),
      );
    }
  }
  return values;
}

function quarantineKey(record: QuarantinedRecord, rawJson: string): string {
  return record.sysId !== "" ? record.sysId : `sha256:${createHash("sha256").update(rawJson).digest("hex")}`;
}

export class CacheRepository {
  readonly #db: Database.Database;
  readonly #lease: Lease;
  readonly #upsertService: Database.Statement<Record<string, unknown>>;
  readonly #upsertUsage: Database.Statement<Record<string, unknown>>;
  readonly #upsertQuarantine: Database.Statement<Record<string, unknown>>;
  readonly #hasOpenQuarantine: Database.Statement<[StreamName], { open: number }>;
  readonly #resolveQuarantine: Database.Statement<[string, StreamName, string]>;
  readonly #advanceCursor: Database.Statement<[StreamName, string, string, string]>;
  readonly #setCursor: Database.Statement<[StreamName, string, string, string]>;
  readonly #deleteCursor: Database.Statement<[StreamName]>;
  readonly #getCursor: Database.Statement<[StreamName], CursorDbRow>;
  readonly #tombstone: Record<StreamName, Database.Statement<[string, string]>>;
  readonly #liveSysIds: Record<StreamName, Database.Statement<[], { sys_id: string }>>;
  readonly #tombstonedAt: Record<StreamName, Database.Statement<[string], { tombstoned_at: string | null }>>;
  readonly #liveRaw: Record<StreamName, Database.Statement<[], { raw_json: string }>>;
  readonly #getService: Database.Statement<[string], ServiceDbRow>;
  readonly #usageForService: Database.Statement<[string], UsageDbRow>;
  readonly #listUsage: Database.Statement<[], UsageDbRow>;
  readonly #serviceCounts: Database.Statement<[], { live: number; retired: number; tombstoned: number }>;
  readonly #usageCounts: Database.Statement<[], { live: number; tombstoned: number }>;
  readonly #getMeta: Database.Statement<[string], { value: string }>;
  readonly #setMeta: Database.Statement<[string, string]>;
  readonly #estimateInputs: EstimateInputs;
  readonly #windowFingerprints: WindowFingerprints;
  readonly #usageServiceOf: Database.Statement<[string], { service_sys_id: string }>;
  readonly #deleteMeta: Database.Statement<[string]>;
  readonly #openQuarantineCount: Record<StreamName, Database.Statement<[string], { n: number }>>;
  readonly #stageService: Database.Statement<unknown[]>;
  readonly #stageUsage: Database.Statement<unknown[]>;
  readonly #markStagedLoad: Database.Statement<[StreamName, string]>;
  readonly #stagedLoadOpen: Database.Statement<[StreamName], { open: number }>;
  readonly #anyCached: Record<StreamName, Database.Statement<[], { any: number }>>;
  readonly #mergeStaged: Record<StreamName, Database.Statement<[]>>;
  readonly #clearStaging: Record<StreamName, Database.Statement<[]>>;
  readonly #endStagedLoad: Database.Statement<[StreamName]>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#lease = new Lease(db);
    // ON CONFLICT … WHERE: a re-read of the same version (the lookback window re-reads some records every run)
    // rewrites nothing, not even last_seen (so last_seen = when the cached version was received), and reports
    // changes() = 0. Mapped columns are compared too, so a changed field map rewrites rows with the same raw JSON. A tombstoned record that comes back is
    // restored. No ordering guard on sys_mod_count: the instance is the source of truth even after a clone-down.
    this.#upsertService = db.prepare(
      `INSERT INTO services (${SERVICE_COLUMNS}, raw_json, tombstoned_at, first_seen, last_seen)
       VALUES (@sys_id, @name, @class_name, @operational_status, @retired, @criticality, @owned_by, @support_group,
               @domain, @hosting, @owned, @sys_updated_on, @sys_mod_count, @raw_json, NULL, @now, @now)
       ON CONFLICT (sys_id) DO UPDATE SET
         name = excluded.name, class_name = excluded.class_name, operational_status = excluded.operational_status,
         retired = excluded.retired, criticality = excluded.criticality, owned_by = excluded.owned_by,
         support_group = excluded.support_group, domain = excluded.domain, hosting = excluded.hosting,
         owned = excluded.owned, sys_updated_on = excluded.sys_updated_on, sys_mod_count = excluded.sys_mod_count,
         raw_json = excluded.raw_json, tombstoned_at = NULL, last_seen = excluded.last_seen
       WHERE services.tombstoned_at IS NOT NULL
          OR (services.raw_json, services.name, services.class_name, services.operational_status, services.retired,
              services.criticality, services.owned_by, services.support_group, services.domain, services.hosting,
              services.owned, services.sys_updated_on, services.sys_mod_count)
             IS NOT (excluded.raw_json, excluded.name, excluded.class_name, excluded.operational_status,
              excluded.retired, excluded.criticality, excluded.owned_by, excluded.support_group, excluded.domain,
              excluded.hosting, excluded.owned, excluded.sys_updated_on, excluded.sys_mod_count)`,
    );
    this.#upsertUsage = db.prepare(
      `INSERT INTO usage_months (${USAGE_COLUMNS}, raw_json, tombstoned_at, first_seen, last_seen)
       VALUES (@sys_id, @service_sys_id, @period, @visits, @page_views, @transactions, @data_gb, @avg_session_min,
               @mobile_share, @sys_updated_on, @raw_json, NULL, @now, @now)
       ON CONFLICT (sys_id) DO UPDATE SET
         service_sys_id = excluded.service_sys_id, period = excluded.period, visits = excluded.visits,
         page_views = excluded.page_views, transactions = excluded.transactions, data_gb = excluded.data_gb,
         avg_session_min = excluded.avg_session_min, mobile_share = excluded.mobile_share,
         sys_updated_on = excluded.sys_updated_on, raw_json = excluded.raw_json, tombstoned_at = NULL,
         last_seen = excluded.last_seen
       WHERE usage_months.tombstoned_at IS NOT NULL
          OR (usage_months.raw_json, usage_months.service_sys_id, usage_months.period, usage_months.visits,
              usage_months.page_views, usage_months.transactions, usage_months.data_gb, usage_months.avg_session_min,
              usage_months.mobile_share, usage_months.sys_updated_on)
             IS NOT (excluded.raw_json, excluded.service_sys_id, excluded.period, excluded.visits, excluded.page_views,
              excluded.transactions, excluded.data_gb, excluded.avg_session_min, excluded.mobile_share,
              excluded.sys_updated_on)`,
    );
    // A record failing again for the same reason is one row seen more often; if it had been resolved, it reopens.
    this.#upsertQuarantine = db.prepare(
      `INSERT INTO quarantine (stream, sys_id, dedupe_key, reason, raw_json, first_seen, last_seen, times_seen)
       VALUES (@stream, @sys_id, @dedupe_key, @reason, @raw_json, @now, @now, 1)
       ON CONFLICT (stream, dedupe_key, reason) DO UPDATE SET
         raw_json = excluded.raw_json, last_seen = excluded.last_seen, times_seen = quarantine.times_seen + 1,
         resolved_at = NULL`,
    );
    this.#hasOpenQuarantine = db.prepare(
      "SELECT EXISTS (SELECT 1 FROM quarantine WHERE stream = ? AND resolved_at IS NULL) AS open",
    );
    this.#resolveQuarantine = db.prepare(
      "UPDATE quarantine SET resolved_at = ? WHERE stream = ? AND sys_id = ? AND resolved_at IS NULL",
    );
    // Row-value comparison: the cursor moves forward only. The lookback window re-reads records older than the
    // stored cursor; committing those pages must not move it back (a crash would then re-read more, for nothing).
    // `setCursor` is the way to move it back on purpose (state reset, --since).
    this.#advanceCursor = db.prepare(
      `INSERT INTO cursors (stream, updated_on, sys_id, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (stream) DO UPDATE SET
         updated_on = excluded.updated_on, sys_id = excluded.sys_id, updated_at = excluded.updated_at
       WHERE (excluded.updated_on, excluded.sys_id) > (cursors.updated_on, cursors.sys_id)`,
    );
    this.#setCursor = db.prepare(
      `INSERT INTO cursors (stream, updated_on, sys_id, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (stream) DO UPDATE SET
         updated_on = excluded.updated_on, sys_id = excluded.sys_id, updated_at = excluded.updated_at`,
    );
    this.#deleteCursor = db.prepare("DELETE FROM cursors WHERE stream = ?");
    this.#getCursor = db.prepare("SELECT stream, updated_on, sys_id FROM cursors WHERE stream = ?");
    this.#tombstone = {
      services: db.prepare("UPDATE services SET tombstoned_at = ? WHERE sys_id = ? AND tombstoned_at IS NULL"),
      usage: db.prepare("UPDATE usage_months SET tombstoned_at = ? WHERE sys_id = ? AND tombstoned_at IS NULL"),
    };
    this.#liveSysIds = {
      services: db.prepare("SELECT sys_id FROM services WHERE tombstoned_at IS NULL ORDER BY sys_id"),
      usage: db.prepare("SELECT sys_id FROM usage_months WHERE tombstoned_at IS NULL ORDER BY sys_id"),
    };
    this.#tombstonedAt = {
      services: db.prepare("SELECT tombstoned_at FROM services WHERE sys_id = ?"),
      usage: db.prepare("SELECT tombstoned_at FROM usage_months WHERE sys_id = ?"),
    };
    this.#liveRaw = {
      services: db.prepare("SELECT raw_json FROM services WHERE tombstoned_at IS NULL ORDER BY sys_id"),
      usage: db.prepare("SELECT raw_json FROM usage_months WHERE tombstoned_at IS NULL ORDER BY sys_id"),
    };
    this.#getService = db.prepare(`SELECT ${SERVICE_COLUMNS} FROM services WHERE sys_id = ?`);
    this.#usageForService = db.prepare(
      `SELECT ${USAGE_COLUMNS} FROM usage_months
        WHERE service_sys_id = ? AND tombstoned_at IS NULL ORDER BY period, sys_id`,
    );
    this.#listUsage = db.prepare(
      `SELECT ${USAGE_COLUMNS} FROM usage_months WHERE tombstoned_at IS NULL ORDER BY service_sys_id, period, sys_id`,
    );
    this.#serviceCounts = db.prepare(
      `SELECT COALESCE(SUM(tombstoned_at IS NULL), 0) AS live,
              COALESCE(SUM(tombstoned_at IS NULL AND retired = 1), 0) AS retired,
              COALESCE(SUM(tombstoned_at IS NOT NULL), 0) AS tombstoned
         FROM services`,
    );
    this.#usageCounts = db.prepare(
      `SELECT COALESCE(SUM(tombstoned_at IS NULL), 0) AS live, COALESCE(SUM(tombstoned_at IS NOT NULL), 0) AS tombstoned
         FROM usage_months`,
    );
    this.#getMeta = db.prepare("SELECT value FROM meta WHERE key = ?");
    this.#estimateInputs = new EstimateInputs(db);
    this.#windowFingerprints = new WindowFingerprints(db);
    this.#usageServiceOf = db.prepare("SELECT service_sys_id FROM usage_months WHERE sys_id = ?");
    this.#setMeta = db.prepare(
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    this.#deleteMeta = db.prepare("DELETE FROM meta WHERE key = ?");
    const openQuarantine = (table: string) =>
      db.prepare<[string], { n: number }>(
        `SELECT COUNT(DISTINCT q.sys_id) AS n FROM quarantine q
          WHERE q.stream = ? AND q.resolved_at IS NULL AND q.sys_id <> ''
            AND NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.sys_id = q.sys_id AND t.tombstoned_at IS NULL)`,
      );
    this.#openQuarantineCount = {
      services: openQuarantine("services"),
      usage: openQuarantine("usage_months"),
    };
    // Staging (migration 003): plain appends in rowid order, no sys_id index to maintain. Positional parameters:
    // binding 13 named ones cost ~1.4 µs more per row (measured), a few seconds over a 2.2-million-row first load.
    this.#stageService = db.prepare(
      `INSERT INTO services_staging (${SERVICE_COLUMNS}, raw_json, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#stageUsage = db.prepare(
      `INSERT INTO usage_months_staging (${USAGE_COLUMNS}, sys_mod_count, raw_json, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#markStagedLoad = db.prepare("INSERT OR IGNORE INTO staged_loads (stream, started_at) VALUES (?, ?)");
    this.#stagedLoadOpen = db.prepare("SELECT EXISTS (SELECT 1 FROM staged_loads WHERE stream = ?) AS open");
    this.#anyCached = {
      services: db.prepare("SELECT EXISTS (SELECT 1 FROM services) AS any"),
      usage: db.prepare("SELECT EXISTS (SELECT 1 FROM usage_months) AS any"),
    };
    // One sorted pass over the staged rows, in sys_id order (so the keyed table's index is appended to, not written
    // at random) and, within a sys_id, oldest version first: sys_updated_on, then sys_mod_count, then the last received
    // (a page re-read after a resume stages the same version twice). Each later version of a sys_id overwrites the
    // one before it, so the latest wins; first_seen keeps the earliest receipt. Sorting the rows once costs less than
    // ranking them with a window and sorting again (measured). The keyed table is empty when a staged load starts
    // (isStagedLoad); what it holds then comes from earlier merges of the same load (a load merged in batches, or
    // stopped by an error and resumed), so a staged version replaces a cached one only when it is not older: the
    // slices of one load stage their pages in no particular order. (`WHERE true`: SQLite needs it to parse ON CONFLICT
    // after INSERT … SELECT.)
    const staged = (table: string, columns: string) =>
      `SELECT ${columns}, raw_json, received_at, received_at FROM ${table} WHERE true
        ORDER BY sys_id, sys_updated_on, sys_mod_count, seq`;
    this.#mergeStaged = {
      services: db.prepare(
        `INSERT INTO services (${SERVICE_COLUMNS}, raw_json, first_seen, last_seen)
         ${staged("services_staging", SERVICE_COLUMNS)}
         ON CONFLICT (sys_id) DO UPDATE SET
           name = excluded.name, class_name = excluded.class_name, operational_status = excluded.operational_status,
           retired = excluded.retired, criticality = excluded.criticality, owned_by = excluded.owned_by,
           support_group = excluded.support_group, domain = excluded.domain, hosting = excluded.hosting,
           owned = excluded.owned, sys_updated_on = excluded.sys_updated_on, sys_mod_count = excluded.sys_mod_count,
           raw_json = excluded.raw_json, tombstoned_at = NULL,
           first_seen = MIN(services.first_seen, excluded.first_seen), last_seen = excluded.last_seen
         WHERE (excluded.sys_updated_on, excluded.sys_mod_count) >= (services.sys_updated_on, services.sys_mod_count)`,
      ),
      usage: db.prepare(
        `INSERT INTO usage_months (${USAGE_COLUMNS}, raw_json, first_seen, last_seen)
         ${staged("usage_months_staging", USAGE_COLUMNS)}
         ON CONFLICT (sys_id) DO UPDATE SET
           service_sys_id = excluded.service_sys_id, period = excluded.period, visits = excluded.visits,
           page_views = excluded.page_views, transactions = excluded.transactions, data_gb = excluded.data_gb,
           avg_session_min = excluded.avg_session_min, mobile_share = excluded.mobile_share,
           sys_updated_on = excluded.sys_updated_on, raw_json = excluded.raw_json, tombstoned_at = NULL,
           first_seen = MIN(usage_months.first_seen, excluded.first_seen), last_seen = excluded.last_seen
         WHERE excluded.sys_updated_on >= usage_months.sys_updated_on`,
      ),
    };
    this.#clearStaging = {
      services: db.prepare("DELETE FROM services_staging"),
      usage: db.prepare("DELETE FROM usage_months_staging"),
    };
    this.#endStagedLoad = db.prepare("DELETE FROM staged_loads WHERE stream = ?");
  }

  /** Runs `fn` in one BEGIN IMMEDIATE transaction after checking the fencing token; maps SQLite errors. */
  #fenced<T>(what: string, fencingToken: number, fn: () => T): T {
    try {
      return this.#db
        .transaction(() => {
          this.#lease.assertHeld(fencingToken);
          return fn();
        })
        .immediate();
    } catch (err) {
      throw toStoreError(err, what, this.#db.name);
    }
  }

  /**
   * Commits one page in ONE transaction: the fencing check, the upserts (idempotent by sys_id), the quarantine rows
   * and the cursor. If any statement fails, nothing of the page is kept and the cursor stays where it was
   * (DESIGN.md §4 invariants 1 and 3).
   */
  commitPage(stream: "services", page: PageCommit<ServiceRow>): PageCommitResult;
  commitPage(stream: "usage", page: PageCommit<UsageRow>): PageCommitResult;
  commitPage(stream: StreamName, page: PageCommit<ServiceRow> | PageCommit<UsageRow>): PageCommitResult {
    if (page.cursor.stream !== stream) {
      throw new ConnectorError("internal", `commitPage(${stream}) was given a cursor of stream ${page.cursor.stream}.`);
    }
    if (page.staged === true) {
      const values =
        stream === "services"
          ? encodeStagedRows(stream, page.records as readonly ServiceRow[])
          : encodeStagedRows(stream, page.records as readonly UsageRow[]);
      return this.commitStagedPage({
        stream,
        values,
        quarantined: page.quarantined,
        ...(page.resolvedSysIds !== undefined ? { resolvedSysIds: page.resolvedSysIds } : {}),
        cursor: page.cursor,
        ...(page.slicePlan !== undefined ? { slicePlan: page.slicePlan } : {}),
        fencingToken: page.fencingToken,
        nowMs: page.nowMs,
      });
    }
    const now = iso(page.nowMs);
    return this.#fenced(`commit a page of ${stream}`, page.fencingToken, () => {
      let written = 0;
      const upsertedSysIds: string[] = [];
      // The services whose estimation inputs this page changed (a usage row moved to another service changes both).
      const changedServices = new Set<string>();
      for (const record of page.records) {
        if (stream === "services") {
          const result = this.#writeService(record as ServiceRow, now);
          written += result.changes;
          upsertedSysIds.push(result.sysId);
          if (result.changes > 0) changedServices.add(result.sysId);
        } else {
          const usage = record as UsageRow;
          const before = this.#usageServiceOf.get(usage.usage.sysId)?.service_sys_id;
          const result = this.#writeUsage(usage, now);
          written += result.changes;
          upsertedSysIds.push(result.sysId);
          if (result.changes > 0) {
            changedServices.add(usage.usage.serviceSysId);
            if (before !== undefined) changedServices.add(before);
          }
        }
      }
      this.#estimateInputs.changed(changedServices);
      return this.#endPage(stream, now, upsertedSysIds, written, page);
    });
  }

  /**
   * Commits a staged page given as positional values (`commitPage` with `staged`, encoded apart) in ONE transaction:
   * the fencing check, the rows appended to the staging table, the quarantine rows and the cursor or slice plan.
   */
  commitStagedPage(page: StagedPage): PageCommitResult {
    const { stream, values } = page;
    if (page.cursor.stream !== stream) {
      throw new ConnectorError("internal", `commitStagedPage(${stream}) was given a cursor of ${page.cursor.stream}.`);
    }
    const width = STAGED_ROW_WIDTH[stream];
    if (values.length % width !== 0) {
      throw new ConnectorError(
        "internal",
        `a staged page of ${stream} has ${values.length} values, not rows of ${width}.`,
      );
    }
    const now = iso(page.nowMs);
    return this.#fenced(`commit a page of ${stream}`, page.fencingToken, () => {
      // The marker goes in with the first staged page, so a run killed after it resumes staging (isStagedLoad).
      this.#markStagedLoad.run(stream, now);
      const sysIds: string[] = [];
      let written = 0;
      const v = values;
      for (let o = 0; o < v.length; o += width) {
        const { changes } =
          stream === "services"
            ? this.#stageService.run(
                v[o],
                v[o + 1],
                v[o + 2],
                v[o + 3],
                v[o + 4],
                v[o + 5],
                v[o + 6],
                v[o + 7],
                v[o + 8],
                v[o + 9],
                v[o + 10],
                v[o + 11],
                v[o + 12],
                v[o + 13],
                now,
              )
            : this.#stageUsage.run(
                v[o],
                v[o + 1],
                v[o + 2],
                v[o + 3],
                v[o + 4],
                v[o + 5],
                v[o + 6],
                v[o + 7],
                v[o + 8],
                v[o + 9],
                v[o + 10],
                v[o + 11],
                now,
              );
        written += changes;
        sysIds.push(v[o] as string);
      }
      return this.#endPage(stream, now, sysIds, written, page);
    });
  }

  /** The end of a page's transaction: quarantine resolved and recorded, then the cursor (or the slice plan). */
  #endPage(
    stream: StreamName,
    now: string,
    writtenSysIds: readonly string[],
    written: number,
    page: Pick<PageCommit<unknown>, "quarantined" | "resolvedSysIds" | "cursor" | "slicePlan">,
  ): PageCommitResult {
    let resolved = 0;
    const resolve = [...writtenSysIds, ...(page.resolvedSysIds ?? [])];
    // Most pages have nothing in quarantine to resolve: one EXISTS instead of one UPDATE per record.
    if (resolve.length > 0 && this.#hasOpenQuarantine.get(stream)?.open === 1) {
      for (const sysId of resolve) resolved += this.#resolveQuarantine.run(now, stream, sysId).changes;
    }
    for (const q of page.quarantined) {
      const rawJson = JSON.stringify(q.raw) ?? "null";
      this.#upsertQuarantine.run({
        stream,
        sys_id: q.sysId,
        dedupe_key: quarantineKey(q, rawJson),
        reason: q.reason,
        raw_json: rawJson,
        now,
      });
    }
    if (page.slicePlan !== undefined) this.#setMeta.run(slicePlanKey(stream), page.slicePlan);
    else this.#advanceCursor.run(stream, page.cursor.updatedOn, page.cursor.sysId, now);
    return {
      written,
      unchanged: writtenSysIds.length - written,
      quarantined: page.quarantined.length,
      resolved,
      cursor: this.getCursor(stream),
    };
  }

  #writeService({ service: s, raw }: ServiceRow, now: string): { sysId: string; changes: number } {
    const { changes } = this.#upsertService.run({
      sys_id: s.sysId,
      name: s.name,
      class_name: s.className,
      operational_status: s.operationalStatus,
      retired: s.retired ? 1 : 0,
      criticality: s.criticality,
      owned_by: s.ownedBy,
      support_group: s.supportGroup,
      domain: s.domain,
      hosting: JSON.stringify(s.hosting),
      owned: JSON.stringify(s.owned),
      sys_updated_on: s.sysUpdatedOn,
      sys_mod_count: s.sysModCount,
      raw_json: JSON.stringify(raw),
      now,
    });
    return { sysId: s.sysId, changes };
  }

  #writeUsage({ usage: u, raw }: UsageRow, now: string): { sysId: string; changes: number } {
    const fields = {
      sys_id: u.sysId,
      service_sys_id: u.serviceSysId,
      period: u.period,
      visits: orNull(u.visits),
      page_views: orNull(u.pageViews),
      transactions: orNull(u.transactions),
      data_gb: orNull(u.dataGb),
      avg_session_min: orNull(u.avgSessionMin),
      mobile_share: orNull(u.mobileShare),
      sys_updated_on: u.sysUpdatedOn,
      raw_json: JSON.stringify(raw),
      now,
    };
    const { changes } = this.#upsertUsage.run(fields);
    return { sysId: u.sysId, changes };
  }

  /**
   * Whether the stream's pages are to be staged (see migration 003): while a staged load is in progress (its first
   * staged page committed, not merged yet: a run killed mid-load resumes staging whatever its cursor says), or when
   * the stream starts from nothing, i.e. no cursor and no cached row (tombstoned ones included). Any other read
   * upserts: the keyed table then has rows that a staged version could not be compared with page by page.
   */
  isStagedLoad(stream: StreamName): boolean {
    if (this.#stagedLoadOpen.get(stream)?.open === 1) return true;
    return this.getCursor(stream).updatedOn === "" && this.#anyCached[stream].get()?.any !== 1;
  }

  /**
   * Ends a staged load: moves the latest version of each staged sys_id into the keyed table (in sys_id order), empties
   * the staging table and clears the marker and the slice plan, in ONE fenced transaction. A no-op when nothing is
   * staged. With `keepOpen` the rows are merged but the load stays in progress (a sliced load stopped by an error:
   * its next run resumes the slices, staging; the rows merged now are never newer than what it will stage, since it
   * reads the instance later). With `cursor`, the stream's cursor moves forward to it (the end of a sliced load).
   */
  mergeStaged(stream: StreamName, fencingToken: number, end: MergeEnd = {}): MergeResult {
    return this.#fenced(`merge the staged ${stream}`, fencingToken, () => {
      const merged = this.#mergeStaged[stream].run().changes;
      const staged = this.#clearStaging[stream].run().changes;
      if (merged > 0) this.#estimateInputs.changedAll();
      if (end.keepOpen !== true) {
        this.#endStagedLoad.run(stream);
        this.#deleteMeta.run(slicePlanKey(stream));
      }
      if (end.cursor !== undefined) {
        const { to, nowMs } = end.cursor;
        if (to.stream !== stream) {
          throw new ConnectorError("internal", `mergeStaged(${stream}) was given a cursor of ${to.stream}.`);
        }
        this.#advanceCursor.run(stream, to.updatedOn, to.sysId, iso(nowMs));
      }
      return { staged, merged };
    });
  }

  /** The stored slice plan of a sliced staged load in progress (JSON, src/sync/plan-slices.ts), if any. */
  slicePlan(stream: StreamName): string | undefined {
    return this.getMeta(slicePlanKey(stream));
  }

  /** The stored cursor; `updatedOn: ""` and `sysId: ""` before the first committed page (or after a reset). */
  getCursor(stream: StreamName): Cursor {
    const row = this.#getCursor.get(stream);
    return row ? { stream, updatedOn: row.updated_on, sysId: row.sys_id } : { stream, updatedOn: "", sysId: "" };
  }

  /** Puts a cursor anywhere, backwards included (`--since`, recovery from a cursor in the future). */
  setCursor(cursor: Cursor, fencingToken: number, nowMs: number): void {
    this.#fenced(`set the ${cursor.stream} cursor`, fencingToken, () => {
      this.#setCursor.run(cursor.stream, cursor.updatedOn, cursor.sysId, iso(nowMs));
    });
  }

  /** Forgets the cursors (all streams by default): the next pull reads everything again. Cached rows stay. */
  resetCursors(fencingToken: number, streams: readonly StreamName[] = STREAMS): void {
    this.#fenced("reset the cursors", fencingToken, () => {
      for (const stream of streams) this.#deleteCursor.run(stream);
    });
  }

  /**
   * The sys_ids of the stream's live (not tombstoned) rows, in sys_id order, streamed. Consume it before writing
   * through this connection: better-sqlite3 refuses writes while an iterator is open.
   */
  *liveSysIds(stream: StreamName): Generator<string> {
    for (const row of this.#liveSysIds[stream].iterate()) yield row.sys_id;
  }

  /**
   * Marks records that disappeared from the instance. Rows are never deleted: a tombstone keeps their history, and a
   * record that reappears is restored by the next upsert. Returns how many live rows were tombstoned.
   */
  tombstone(stream: StreamName, sysIds: Iterable<string>, fencingToken: number, nowMs: number): number {
    const at = iso(nowMs);
    return this.#fenced(`tombstone ${stream} records`, fencingToken, () => {
      let count = 0;
      const services = new Set<string>();
      for (const sysId of sysIds) {
        const service = stream === "services" ? sysId : this.#usageServiceOf.get(sysId)?.service_sys_id;
        const changes = this.#tombstone[stream].run(at, sysId).changes;
        count += changes;
        if (changes > 0 && service !== undefined) services.add(service);
      }
      this.#estimateInputs.changed(services);
      return count;
    });
  }

  /**
   * Builds the indexes of the read path (usage by service) if missing: call it at the end of a pull, and before
   * reading usage service by service. Cheap when they exist; one sort of the table when they do not (see
   * READ_INDEXES_SQL for why the first full load runs without them).
   */
  ensureReadIndexes(): void {
    try {
      for (const sql of READ_INDEXES_SQL) this.#db.exec(sql);
    } catch (err) {
      throw toStoreError(err, "build the read indexes", this.#db.name);
    }
  }

  /**
   * Throws "busy" unless `fencingToken` still holds the lease. A stage that ends without committing anything (a
   * window found unchanged) calls it, so that a run frozen past its lease and taken over learns it as a committing
   * run does (fault matrix row 10b), instead of reporting success for work another run has redone.
   */
  assertLeaseHeld(fencingToken: number): void {
    this.#fenced("check the run lease", fencingToken, () => undefined);
  }

  /** The stream's lookback window as the cache holds it, to compare with the instance's (window-fingerprint.ts). */
  windowFingerprint(stream: StreamName, since: string): WindowFingerprint {
    try {
      return this.#windowFingerprints.of(stream, since);
    } catch (err) {
      throw toStoreError(err, `read the ${stream} window's fingerprint`, this.#db.name);
    }
  }

  /** A service by sys_id, live or not (undefined when never seen); `isTombstoned` tells which. */
  getService(sysId: string): Service | undefined {
    const row = this.#getService.get(sysId);
    return row ? toService(row) : undefined;
  }

  isTombstoned(stream: StreamName, sysId: string): boolean {
    const row = this.#tombstonedAt[stream].get(sysId);
    return row !== undefined && row.tombstoned_at !== null;
  }

  /** Services in sys_id order, streamed; by default the live ones, retired included (they stay, flagged). */
  *listServices(options: ListServicesOptions = {}): Generator<Service> {
    const where: string[] = [];
    if (!options.includeTombstoned) where.push("tombstoned_at IS NULL");
    if (options.includeRetired === false) where.push("retired = 0");
    const sql = `SELECT ${SERVICE_COLUMNS} FROM services ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
                 ORDER BY sys_id`;
    for (const row of this.#db.prepare<[], ServiceDbRow>(sql).iterate()) yield toService(row);
  }

  /** Up to `limit` live services (retired included) after `afterSysId`, in sys_id order: one query per chunk. */
  servicesAfter(afterSysId: string, limit: number): Service[] {
    return this.#db
      .prepare<[string, number], ServiceDbRow>(
        `SELECT ${SERVICE_COLUMNS} FROM services WHERE tombstoned_at IS NULL AND sys_id > ? ORDER BY sys_id LIMIT ?`,
      )
      .all(afterSysId, limit)
      .map(toService);
  }

  /** Live usage months of the services whose sys_id is in [first, last], ordered by service then period. */
  usageForServiceRange(firstSysId: string, lastSysId: string): UsageMonth[] {
    // Raw rows (arrays) cost about half as much to build as objects on hundreds of thousands of rows.
    const rows = this.#db
      .prepare<[string, string], unknown[]>(
        `SELECT ${USAGE_COLUMNS} FROM usage_months
          WHERE service_sys_id BETWEEN ? AND ? AND tombstoned_at IS NULL ORDER BY service_sys_id, period, sys_id`,
      )
      .raw(true)
      .all(firstSysId, lastSysId) as Array<[string, string, string, ...Array<number | null>]>;
    return rows.map((r) => ({
      sysId: r[0],
      serviceSysId: r[1],
      period: r[2],
      visits: (r[3] as number | null) ?? undefined,
      pageViews: (r[4] as number | null) ?? undefined,
      transactions: (r[5] as number | null) ?? undefined,
      dataGb: (r[6] as number | null) ?? undefined,
      avgSessionMin: (r[7] as number | null) ?? undefined,
      mobileShare: (r[8] as number | null) ?? undefined,
      sysUpdatedOn: r[9] as unknown as string,
    }));
  }

  /** A service's live usage months, oldest first (a full scan until ensureReadIndexes() has run). */
  usageForService(serviceSysId: string): UsageMonth[] {
    return this.#usageForService.all(serviceSysId).map(toUsage);
  }

  /** All live usage months grouped by service then period, streamed (memory stays flat on large caches). */
  *listUsage(): Generator<UsageMonth> {
    for (const row of this.#listUsage.iterate()) yield toUsage(row);
  }

  /** The services' counts alone (counts() also counts every usage row: a scan of millions at L). */
  serviceCounts(): CacheCounts["services"] {
    const services = this.#serviceCounts.get() ?? { live: 0, retired: 0, tombstoned: 0 };
    return { live: services.live, retired: services.retired, tombstoned: services.tombstoned };
  }

  counts(): CacheCounts {
    const usage = this.#usageCounts.get() ?? { live: 0, tombstoned: 0 };
    return { services: this.serviceCounts(), usage: { live: usage.live, tombstoned: usage.tombstoned } };
  }

  /**
   * Count and SHA-256 of the stream's live rows, in exactly the format of the dev instance's
   * `GET /_sim/hash/{table}?fields=…` (src/simulator/server/table-hash.ts): rows ordered by sys_id, each hashed as
   * `JSON.stringify(fields.map((f) => raw[f] ?? "")) + "\n"` over the record as received. Equal hashes mean the
   * cache holds exactly the instance's records for those fields.
   */
  contentHash(stream: StreamName, fields: readonly string[]): ContentHash {
    const hash = createHash("sha256");
    let count = 0;
    for (const row of this.#liveRaw[stream].iterate()) {
      const raw = JSON.parse(row.raw_json) as Record<string, unknown>;
      hash.update(JSON.stringify(fields.map((f) => raw[f] ?? "")));
      hash.update("\n");
      count += 1;
    }
    return { stream, count, sha256: hash.digest("hex"), fields: [...fields] };
  }

  /** Small run-to-run facts, e.g. the number of runs since the last full reconciliation. */
  getMeta(key: string): string | undefined {
    return this.#getMeta.get(key)?.value;
  }

  deleteMeta(key: string): void {
    try {
      this.#deleteMeta.run(key);
    } catch (err) {
      throw toStoreError(err, `forget ${key}`, this.#db.name);
    }
  }

  /**
   * Records of a stream that are quarantined and not held live: distinct sys_ids of open quarantine rows, minus those
   * whose last good version is still cached live. Entries without a sys_id are not counted (they cannot be matched
   * with a record of the instance). The pull adds it to the live count to compare with the instance's total.
   */
  openQuarantineCount(stream: StreamName): number {
    return this.#openQuarantineCount[stream].get(stream)?.n ?? 0;
  }

  setMeta(key: string, value: string): void {
    try {
      this.#setMeta.run(key, value);
    } catch (err) {
      throw toStoreError(err, `record ${key}`, this.#db.name);
    }
  }
}
