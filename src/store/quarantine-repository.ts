// Records that failed validation, kept with their reason and raw JSON (DESIGN.md §4 invariant 3: never silently
// dropped). Rows are written by CacheRepository.commitPage inside the page's transaction; this class serves
// `empreinte quarantine list/retry` and `status`.
import type Database from "better-sqlite3";
import type { StreamName } from "../domain/cursor.js";
import { toStoreError } from "./to-store-error.js";

export interface QuarantineEntry {
  id: number;
  stream: StreamName;
  /** "" when the record had no usable sys_id. */
  sysId: string;
  reason: string;
  raw: unknown;
  /** ISO 8601 UTC. */
  firstSeen: string;
  lastSeen: string;
  timesSeen: number;
  resolvedAt: string | null;
}

export interface QuarantineFilter {
  stream?: StreamName;
  /** Exact reason. */
  reason?: string;
  sysId?: string;
  /** Default false: open entries only. */
  includeResolved?: boolean;
  /** Default 100. */
  limit?: number;
  offset?: number;
}

export interface QuarantineCount {
  stream: StreamName;
  reason: string;
  open: number;
  resolved: number;
}

interface QuarantineDbRow {
  id: number;
  stream: StreamName;
  sys_id: string;
  reason: string;
  raw_json: string;
  first_seen: string;
  last_seen: string;
  times_seen: number;
  resolved_at: string | null;
}

interface FilterParams {
  stream: string | null;
  reason: string | null;
  sys_id: string | null;
  include_resolved: number;
}

const SELECT = `SELECT id, stream, sys_id, reason, raw_json, first_seen, last_seen, times_seen, resolved_at
                  FROM quarantine
                 WHERE (@stream IS NULL OR stream = @stream) AND (@reason IS NULL OR reason = @reason)
                   AND (@sys_id IS NULL OR sys_id = @sys_id) AND (@include_resolved = 1 OR resolved_at IS NULL)`;

function toEntry(row: QuarantineDbRow): QuarantineEntry {
  return {
    id: row.id,
    stream: row.stream,
    sysId: row.sys_id,
    reason: row.reason,
    raw: JSON.parse(row.raw_json) as unknown,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    timesSeen: row.times_seen,
    resolvedAt: row.resolved_at,
  };
}

function params(filter: QuarantineFilter): FilterParams {
  return {
    stream: filter.stream ?? null,
    reason: filter.reason ?? null,
    sys_id: filter.sysId ?? null,
    include_resolved: filter.includeResolved ? 1 : 0,
  };
}

export class QuarantineRepository {
  readonly #db: Database.Database;
  readonly #list: Database.Statement<[FilterParams & { limit: number; offset: number }], QuarantineDbRow>;
  readonly #iterate: Database.Statement<[FilterParams], QuarantineDbRow>;
  readonly #counts: Database.Statement<[], QuarantineCount>;
  readonly #resolve: Database.Statement<[string, number]>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#list = db.prepare(`${SELECT} ORDER BY last_seen DESC, id DESC LIMIT @limit OFFSET @offset`);
    this.#iterate = db.prepare(`${SELECT} ORDER BY stream, id`);
    this.#counts = db.prepare(
      `SELECT stream, reason, SUM(resolved_at IS NULL) AS open, SUM(resolved_at IS NOT NULL) AS resolved
         FROM quarantine GROUP BY stream, reason ORDER BY stream, open DESC, reason`,
    );
    this.#resolve = db.prepare("UPDATE quarantine SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL");
  }

  /** Most recently seen first. */
  list(filter: QuarantineFilter = {}): QuarantineEntry[] {
    return this.#list.all({ ...params(filter), limit: filter.limit ?? 100, offset: filter.offset ?? 0 }).map(toEntry);
  }

  /**
   * Every matching entry, streamed in id order, for `quarantine retry` (re-fetch by sys_id, or re-validate `raw`).
   * `limit`/`offset` are ignored. Consume it before writing through this connection.
   */
  *entries(filter: QuarantineFilter = {}): Generator<QuarantineEntry> {
    for (const row of this.#iterate.iterate(params(filter))) yield toEntry(row);
  }

  /** Open and resolved entries per stream and reason. */
  counts(): QuarantineCount[] {
    return this.#counts.all();
  }

  /** Marks entries resolved by id (an operator's decision, or a retry that succeeded); returns how many changed. */
  markResolved(ids: Iterable<number>, nowMs: number): number {
    const at = new Date(nowMs).toISOString();
    try {
      return this.#db.transaction(() => {
        let changed = 0;
        for (const id of ids) changed += this.#resolve.run(at, id).changes;
        return changed;
      })();
    } catch (err) {
      throw toStoreError(err, "mark quarantine entries resolved", this.#db.name);
    }
  }
}
