// Every request the dev instance answered and every write it applied (with before/after values), kept in the
// instance's SQLite file so tests and benchmarks can assert exactly what a client did (DESIGN §3), at 100k+
// writes without holding entries in the heap.
import type Database from "better-sqlite3";
import type { SimRecord } from "../schema/types.js";

export interface RequestEntry {
  /** ISO 8601 instant the request arrived. */
  at: string;
  method: string;
  path: string;
  /** Raw query string, without the leading "?". */
  query: string;
  user: string | null;
  status: number;
  durationMs: number;
  rows?: number;
  /** Name of the fault injected into this response, if any. */
  fault?: string | null;
  /** Set on the sub-requests of a Batch API call. */
  batchId?: string | null;
}

export type WriteOp = "insert" | "update" | "delete";

export interface WriteEntry {
  requestId: number;
  op: WriteOp;
  table: string;
  sysId: string;
  user: string;
  before: SimRecord | null;
  after: SimRecord | null;
  changedFields: string[];
  /** `JSON.stringify(before)` / `JSON.stringify(after)` when the caller has it already (saves serializing again). */
  beforeJson?: string;
  afterJson?: string;
}

export interface LedgerRequest {
  id: number;
  at: string;
  method: string;
  path: string;
  query: string;
  user: string | null;
  status: number;
  durationMs: number;
  rows: number | null;
  fault: string | null;
  batchId: string | null;
}

export interface LedgerWrite extends WriteEntry {
  id: number;
}

export interface RequestFilter {
  /** Only entries with a greater id (poll for what happened since). */
  sinceId?: number;
  method?: string;
  pathPrefix?: string;
  /** No limit when absent. */
  limit?: number;
}

export interface WriteFilter {
  sinceId?: number;
  table?: string;
  sysId?: string;
  user?: string;
  limit?: number;
}

export interface LedgerCounts {
  requests: { total: number; byMethod: Record<string, number>; byStatusClass: Record<string, number> };
  writes: { total: number; byOp: Record<WriteOp, number> };
}

interface RequestRow {
  id: number;
  at: string;
  method: string;
  path: string;
  query: string;
  user: string | null;
  status: number;
  duration_ms: number;
  rows: number | null;
  fault: string | null;
  batch_id: string | null;
}

interface WriteRow {
  id: number;
  request_id: number;
  op: WriteOp;
  tbl: string;
  sys_id: string;
  user: string;
  before: string | null;
  after: string | null;
  changed: string;
}

function conditions() {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const add = (sql: string, value: string | number): void => {
    where.push(sql);
    params.push(value);
  };
  return { where, params, add };
}

export class Ledger {
  private readonly insertRequest: Database.Statement;
  private readonly insertWrite: Database.Statement;
  private readonly statements = new Map<string, Database.Statement>();

  /** `beforeWrite` runs before each entry is inserted (the store's group commit opens its transaction there). */
  constructor(
    private readonly db: Database.Database,
    private readonly beforeWrite: () => void = () => {},
  ) {
    // AUTOINCREMENT keeps ids increasing across clear(), so a client polling with sinceId never sees an id reused.
    db.exec(`
      CREATE TABLE IF NOT EXISTS ledger_request (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, query TEXT NOT NULL, user TEXT,
        status INTEGER NOT NULL, duration_ms REAL NOT NULL, rows INTEGER, fault TEXT, batch_id TEXT
      );
      CREATE TABLE IF NOT EXISTS ledger_write (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id INTEGER NOT NULL, op TEXT NOT NULL, tbl TEXT NOT NULL, sys_id TEXT NOT NULL, user TEXT NOT NULL,
        before TEXT, after TEXT, changed TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ledger_write_sys_id ON ledger_write(sys_id);
    `);
    this.insertRequest = db.prepare(
      `INSERT INTO ledger_request (at, method, path, query, user, status, duration_ms, rows, fault, batch_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertWrite = db.prepare(
      `INSERT INTO ledger_write (request_id, op, tbl, sys_id, user, before, after, changed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  recordRequest(entry: RequestEntry): number {
    this.beforeWrite();
    const info = this.insertRequest.run(
      entry.at,
      entry.method,
      entry.path,
      entry.query,
      entry.user,
      entry.status,
      entry.durationMs,
      entry.rows ?? null,
      entry.fault ?? null,
      entry.batchId ?? null,
    );
    return Number(info.lastInsertRowid);
  }

  recordWrite(entry: WriteEntry): number {
    this.beforeWrite();
    const info = this.insertWrite.run(
      entry.requestId,
      entry.op,
      entry.table,
      entry.sysId,
      entry.user,
      entry.before === null ? null : (entry.beforeJson ?? JSON.stringify(entry.before)),
      entry.after === null ? null : (entry.afterJson ?? JSON.stringify(entry.after)),
      JSON.stringify(entry.changedFields),
    );
    return Number(info.lastInsertRowid);
  }

  /** Matching requests, oldest first. */
  requests(filter: RequestFilter = {}): LedgerRequest[] {
    const { where, params, add } = conditions();
    if (filter.sinceId !== undefined) add("id > ?", filter.sinceId);
    if (filter.method !== undefined) add("method = ?", filter.method);
    if (filter.pathPrefix !== undefined) add("instr(path, ?) = 1", filter.pathPrefix);
    const rows = this.select("ledger_request", where, params, filter.limit) as RequestRow[];
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      method: r.method,
      path: r.path,
      query: r.query,
      user: r.user,
      status: r.status,
      durationMs: r.duration_ms,
      rows: r.rows,
      fault: r.fault,
      batchId: r.batch_id,
    }));
  }

  /** Matching writes, oldest first, with before/after parsed back into records. */
  writes(filter: WriteFilter = {}): LedgerWrite[] {
    const { where, params, add } = conditions();
    if (filter.sinceId !== undefined) add("id > ?", filter.sinceId);
    if (filter.table !== undefined) add("tbl = ?", filter.table);
    if (filter.sysId !== undefined) add("sys_id = ?", filter.sysId);
    if (filter.user !== undefined) add("user = ?", filter.user);
    const rows = this.select("ledger_write", where, params, filter.limit) as WriteRow[];
    return rows.map((r) => ({
      id: r.id,
      requestId: r.request_id,
      op: r.op,
      table: r.tbl,
      sysId: r.sys_id,
      user: r.user,
      before: r.before === null ? null : (JSON.parse(r.before) as SimRecord),
      after: r.after === null ? null : (JSON.parse(r.after) as SimRecord),
      changedFields: JSON.parse(r.changed) as string[],
    }));
  }

  counts(): LedgerCounts {
    const byMethod: Record<string, number> = {};
    const byStatusClass: Record<string, number> = {};
    let requests = 0;
    const methodRows = this.statement(
      "SELECT method, status / 100 AS cls, count(*) AS n FROM ledger_request GROUP BY method, cls",
    ).all() as Array<{ method: string; cls: number; n: number }>;
    for (const row of methodRows) {
      requests += row.n;
      byMethod[row.method] = (byMethod[row.method] ?? 0) + row.n;
      const statusClass = `${row.cls}xx`;
      byStatusClass[statusClass] = (byStatusClass[statusClass] ?? 0) + row.n;
    }
    const byOp: Record<WriteOp, number> = { insert: 0, update: 0, delete: 0 };
    let writes = 0;
    const opRows = this.statement("SELECT op, count(*) AS n FROM ledger_write GROUP BY op").all() as Array<{
      op: WriteOp;
      n: number;
    }>;
    for (const row of opRows) {
      writes += row.n;
      byOp[row.op] = row.n;
    }
    return { requests: { total: requests, byMethod, byStatusClass }, writes: { total: writes, byOp } };
  }

  clear(): void {
    this.db.exec("DELETE FROM ledger_request; DELETE FROM ledger_write;");
  }

  /** The highest ids ever handed out (0 when none), so a successor ledger can continue after them. */
  lastIds(): { request: number; write: number } {
    const rows = this.statement(
      "SELECT name, seq FROM sqlite_sequence WHERE name IN ('ledger_request', 'ledger_write')",
    ).all() as Array<{ name: string; seq: number }>;
    const seq = (name: string) => rows.find((r) => r.name === name)?.seq ?? 0;
    return { request: seq("ledger_request"), write: seq("ledger_write") };
  }

  /**
   * Makes the next ids follow `last` (when they would not already). The dev instance's reset swaps in a fresh
   * SQLite file; without this its ledger ids would restart at 1 and a client polling with sinceId would miss entries.
   */
  continueAfter(last: { request: number; write: number }): void {
    const current = this.lastIds();
    const set = this.statement("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)");
    const remove = this.statement("DELETE FROM sqlite_sequence WHERE name = ?");
    for (const [name, seq] of [
      ["ledger_request", Math.max(last.request, current.request)],
      ["ledger_write", Math.max(last.write, current.write)],
    ] as const) {
      // sqlite_sequence has no unique constraint on name: delete, then insert.
      remove.run(name);
      set.run(name, seq);
    }
  }

  private select(table: string, where: string[], params: Array<string | number>, limit: number | undefined): unknown[] {
    const clause = where.length ? ` WHERE ${where.join(" AND ")}` : "";
    const limitClause = limit === undefined ? "" : " LIMIT ?";
    if (limit !== undefined) params.push(Math.max(0, Math.floor(limit)));
    return this.statement(`SELECT * FROM ${table}${clause} ORDER BY id${limitClause}`).all(...params);
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}
