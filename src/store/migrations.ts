// The cache schema, as an ordered list of migrations applied by `PRAGMA user_version`, each in one IMMEDIATE
// transaction, so two processes opening a fresh file at once cannot both apply the same step. Never edit a released
// migration: add the next one. 002 holds the estimates, 003 the first-load staging tables; the push tables (outbox,
// conflicts, written values) come next.
//
// Conventions: STRICT tables (a wrong type is an error, not a silent coercion); instants we stamp ourselves are
// ISO 8601 UTC text (`…Z`), except the lease's, which are epoch milliseconds because they are compared, not read;
// instance timestamps (`sys_updated_on`) stay in the instance's `YYYY-MM-DD HH:mm:ss` UTC form, which sorts as text.
import type Database from "better-sqlite3";
import { ConnectorError } from "../lib/connector-error.js";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "cache: services, usage months, cursors, quarantine, runs, lease, meta",
    sql: `
      CREATE TABLE services (
        sys_id             TEXT PRIMARY KEY CHECK (sys_id <> ''),
        name               TEXT NOT NULL,
        class_name         TEXT NOT NULL,
        operational_status TEXT NOT NULL,
        retired            INTEGER NOT NULL CHECK (retired IN (0, 1)),
        criticality        TEXT NOT NULL,
        owned_by           TEXT NOT NULL,
        support_group      TEXT NOT NULL,
        domain             TEXT NOT NULL,
        hosting            TEXT NOT NULL,  -- JSON DeclaredHosting
        owned              TEXT NOT NULL,  -- JSON: remote values of the owned fields as last read
        sys_updated_on     TEXT NOT NULL,
        sys_mod_count      INTEGER NOT NULL,
        raw_json           TEXT NOT NULL,  -- the record as received: content hash, quarantine retry
        tombstoned_at      TEXT,
        first_seen         TEXT NOT NULL,
        last_seen          TEXT NOT NULL
      ) STRICT;

      CREATE TABLE usage_months (
        sys_id          TEXT PRIMARY KEY CHECK (sys_id <> ''),
        service_sys_id  TEXT NOT NULL,
        period          TEXT NOT NULL,
        visits          REAL,
        page_views      REAL,
        transactions    REAL,
        data_gb         REAL,
        avg_session_min REAL,
        mobile_share    REAL,
        sys_updated_on  TEXT NOT NULL,
        raw_json        TEXT NOT NULL,
        tombstoned_at   TEXT,
        first_seen      TEXT NOT NULL,
        last_seen       TEXT NOT NULL
      ) STRICT;
      -- usage_months_by_service: see READ_INDEXES_SQL below.

      CREATE TABLE cursors (
        stream     TEXT PRIMARY KEY CHECK (stream IN ('services', 'usage')),
        updated_on TEXT NOT NULL,
        sys_id     TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- dedupe_key is the sys_id, or a hash of the raw record when it has none, so a record that keeps failing for
      -- the same reason is one row with times_seen, not one row per run.
      CREATE TABLE quarantine (
        id          INTEGER PRIMARY KEY,
        stream      TEXT NOT NULL CHECK (stream IN ('services', 'usage')),
        sys_id      TEXT NOT NULL DEFAULT '',
        dedupe_key  TEXT NOT NULL,
        reason      TEXT NOT NULL,
        raw_json    TEXT NOT NULL,
        first_seen  TEXT NOT NULL,
        last_seen   TEXT NOT NULL,
        times_seen  INTEGER NOT NULL DEFAULT 1,
        resolved_at TEXT,
        UNIQUE (stream, dedupe_key, reason)
      ) STRICT;
      CREATE INDEX quarantine_open ON quarantine (stream, sys_id) WHERE resolved_at IS NULL;

      CREATE TABLE runs (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        kind         TEXT NOT NULL,
        started_at   TEXT NOT NULL,
        finished_at  TEXT,
        outcome      TEXT,
        summary_json TEXT,
        error        TEXT
      ) STRICT;

      -- One row forever: releasing clears the holder but keeps fencing_token, so tokens are never reused (B5.5).
      CREATE TABLE lease (
        id              INTEGER PRIMARY KEY CHECK (id = 1),
        owner           TEXT,
        pid             INTEGER,
        hostname        TEXT,
        fencing_token   INTEGER NOT NULL,
        ttl_ms          INTEGER,
        acquired_at_ms  INTEGER,
        expires_at_ms   INTEGER,
        heartbeat_at_ms INTEGER
      ) STRICT;
      INSERT INTO lease (id, fencing_token) VALUES (1, 0);

      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: "estimates: service-month estimates and year views, with method and factor set",
    // One row per service: the year view (the ServiceYearView as JSON) and the month series as a BLOB of float64
    // (exact, unrounded; layout in estimate-repository.ts). One insert per service instead of 2.4M rows at 100,000
    // services, and no float-to-text conversion of the months, which measured as the largest cost of the stage.
    // Method and factor set are columns so a report can tell which results came from which method version
    // (DESIGN.md §4 invariant 8).
    // No timestamp per row: re-estimating the same cache for the same run month stores byte-identical rows.
    sql: `
      CREATE TABLE estimates (
        service_sys_id TEXT PRIMARY KEY,
        run_period     TEXT NOT NULL,
        method         TEXT NOT NULL,
        factor_set_id  TEXT NOT NULL,
        co2e_kg_year   REAL NOT NULL,
        usage_status   TEXT NOT NULL,
        year_view_json TEXT NOT NULL,
        months         BLOB NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    name: "staging: unindexed append-only tables for a stream's first full load",
    // A keyset read by sys_updated_on delivers sys_ids in random order, so upserting it into the sys_id-keyed tables
    // writes one random index leaf per row (docs/performance.md "Why the large pull is slow"). A stream's first full
    // load appends its pages here instead (rowid order: sequential writes), then CacheRepository.mergeStaged() moves
    // the latest version of each sys_id into the keyed table in one sorted INSERT … SELECT. No index but the rowid:
    // duplicates (a record edited during the read, pages re-read after a resume) are resolved by the merge.
    // staged_loads marks a load in progress, so a run killed mid-load resumes staging (the rule is in
    // CacheRepository.isStagedLoad).
    sql: `
      CREATE TABLE staged_loads (
        stream     TEXT PRIMARY KEY CHECK (stream IN ('services', 'usage')),
        started_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE services_staging (
        seq                INTEGER PRIMARY KEY,
        sys_id             TEXT NOT NULL CHECK (sys_id <> ''),
        name               TEXT NOT NULL,
        class_name         TEXT NOT NULL,
        operational_status TEXT NOT NULL,
        retired            INTEGER NOT NULL CHECK (retired IN (0, 1)),
        criticality        TEXT NOT NULL,
        owned_by           TEXT NOT NULL,
        support_group      TEXT NOT NULL,
        domain             TEXT NOT NULL,
        hosting            TEXT NOT NULL,
        owned              TEXT NOT NULL,
        sys_updated_on     TEXT NOT NULL,
        sys_mod_count      INTEGER NOT NULL,
        raw_json           TEXT NOT NULL,
        received_at        TEXT NOT NULL
      ) STRICT;

      -- sys_mod_count is not a mapped usage column; it is kept (when the record carries it) to order versions.
      CREATE TABLE usage_months_staging (
        seq             INTEGER PRIMARY KEY,
        sys_id          TEXT NOT NULL CHECK (sys_id <> ''),
        service_sys_id  TEXT NOT NULL,
        period          TEXT NOT NULL,
        visits          REAL,
        page_views      REAL,
        transactions    REAL,
        data_gb         REAL,
        avg_session_min REAL,
        mobile_share    REAL,
        sys_updated_on  TEXT NOT NULL,
        sys_mod_count   INTEGER,
        raw_json        TEXT NOT NULL,
        received_at     TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: "push: outbox, values written, conflicts",
    // The outbox holds the plan before any write (B5.4): a row is `pending` until a 2xx marks it `done` in its own
    // transaction, so a run killed mid-push re-reads what is pending and sends it only if still needed.
    // written_values is what empreinte last wrote to each owned column of each record: a remote value that differs
    // from it was put there by someone else (a conflict, kept unless --force).
    sql: `
      CREATE TABLE outbox (
        id           INTEGER PRIMARY KEY,
        run_id       INTEGER NOT NULL,
        sys_id       TEXT NOT NULL,
        fields_json  TEXT NOT NULL,
        payload_hash TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('pending', 'done', 'not_found', 'failed', 'superseded')),
        attempts     INTEGER NOT NULL DEFAULT 0,
        created_at   TEXT NOT NULL,
        finished_at  TEXT,
        error        TEXT
      ) STRICT;
      CREATE INDEX outbox_pending ON outbox (state, id) WHERE state = 'pending';

      CREATE TABLE written_values (
        sys_id     TEXT NOT NULL,
        column     TEXT NOT NULL,
        value      TEXT NOT NULL,
        written_at TEXT NOT NULL,
        PRIMARY KEY (sys_id, column)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE conflicts (
        sys_id       TEXT NOT NULL,
        column       TEXT NOT NULL,
        remote       TEXT NOT NULL,
        last_written TEXT NOT NULL,
        wanted       TEXT NOT NULL,
        first_seen   TEXT NOT NULL,
        last_seen    TEXT NOT NULL,
        resolved_at  TEXT,
        PRIMARY KEY (sys_id, column)
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: "outbox: index of pending writes by record",
    // Persisting a plan supersedes the older pending write of each record it writes (OutboxRepository.enqueue): one
    // lookup by sys_id per planned write. With only the (state, id) index each lookup scanned every pending row, so
    // saving a plan was quadratic: 64 s for 20,000 writes, about 27 minutes for 100,000 (measured by the load test);
    // 3.4 s for 100,000 with this index.
    sql: `
      CREATE INDEX outbox_pending_sys_id ON outbox (sys_id) WHERE state = 'pending';
    `,
  },
  {
    version: 6,
    name: "estimate_dirty: services whose estimation inputs changed since the last estimate",
    // Filled in the same transaction as the change (a service row, or a usage row of the service, written or
    // tombstoned), emptied by the estimate that accounts for it (src/store/estimate-inputs.ts). A run after a few
    // changes re-estimates those services instead of the whole catalogue.
    sql: `
      CREATE TABLE estimate_dirty (
        service_sys_id TEXT PRIMARY KEY
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: "plan_dirty: services whose write plan may have changed since the last plan",
    // Filled in the same transaction as the estimates that changed (or a write the instance refused), emptied once a
    // push has planned them (src/store/plan-inputs.ts). A run after a few changes plans those services instead of
    // comparing the whole catalogue with the instance's values again.
    sql: `
      CREATE TABLE plan_dirty (
        service_sys_id TEXT PRIMARY KEY
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    name: "estimates: each service's yearly total, in sys_id order",
    // The catalogue's total after a partial estimate (EstimateRepository.figures) sums every service's yearly figure
    // in sys_id order. The table's rows are wide (the year view and the monthly series), one or more pages each, so
    // the sum read every page of the table: 14 ms for 1,600 services on a cold cache, on the path of a run's first
    // write. This index answers it from a few pages.
    sql: `
      CREATE INDEX estimates_co2e_by_service ON estimates (service_sys_id, co2e_kg_year);
    `,
  },
];

/**
 * Indexes that serve the later stages' reads but not the pull, created by CacheRepository.ensureReadIndexes() after
 * a pull rather than by a migration. Usage sys_ids arrive in random order, so every sys_id-keyed index costs about
 * one random leaf-page write per row and per commit; a second random index (service, period) nearly doubles the cost
 * of a first full load. Measured here on 1,000,000 usage rows in 1,000-row commits: 42 s CPU / 60 s wall with the
 * index maintained during the load, 24 s / 34 s without it, plus 1.6 s to build it afterwards in one sort. Once it
 * exists, incremental pages maintain it at negligible cost. Reads are correct without it, only slower.
 */
export const READ_INDEXES_SQL: readonly string[] = [
  // Covering and partial (live rows only): the estimate stage reads every live usage month by service, and with the
  // metrics in the index it never visits the table's wide rows (raw_json); measured 3× faster on 440k rows.
  "DROP INDEX IF EXISTS usage_months_by_service",
  `CREATE INDEX IF NOT EXISTS usage_months_live_by_service ON usage_months
     (service_sys_id, period, sys_id, visits, page_views, transactions, data_gb, avg_session_min, mobile_share,
      sys_updated_on) WHERE tombstoned_at IS NULL`,
  // The lookback window's fingerprint (window-fingerprint.ts) counts the live rows updated since a time: without
  // these it would scan every row of both tables on every run.
  `CREATE INDEX IF NOT EXISTS services_live_by_updated_on ON services (sys_updated_on, sys_mod_count)
     WHERE tombstoned_at IS NULL`,
  "CREATE INDEX IF NOT EXISTS usage_months_live_by_updated_on ON usage_months (sys_updated_on) WHERE tombstoned_at IS NULL",
];

export const latestSchemaVersion: number = migrations.reduce((max, m) => Math.max(max, m.version), 0);

function userVersion(db: Database.Database): number {
  return Number(db.pragma("user_version", { simple: true }));
}

/** Applies the pending migrations; returns the versions before and after. Safe to call on every open. */
export function migrate(
  db: Database.Database,
  list: readonly Migration[] = migrations,
): { fromVersion: number; toVersion: number } {
  const fromVersion = userVersion(db);
  const latest = list.reduce((max, m) => Math.max(max, m.version), 0);
  if (fromVersion > latest) {
    throw new ConnectorError(
      "config",
      `The cache database has schema version ${fromVersion}, newer than this empreinte knows (${latest}). ` +
        "Upgrade empreinte, or point EMPREINTE_DB at another file.",
    );
  }
  // Only pending steps open a write transaction, so `empreinte status` can open the file while a run is writing.
  const ordered = list.filter((m) => m.version > fromVersion).sort((a, b) => a.version - b.version);
  for (const migration of ordered) {
    const apply = db.transaction(() => {
      // Re-read inside the write lock: another process may have applied it since we looked.
      if (userVersion(db) >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    });
    apply.immediate();
  }
  return { fromVersion, toVersion: userVersion(db) };
}
