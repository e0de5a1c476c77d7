// One row per run (pull, sync, push…), written at start and at the end, so `status` can show the last runs and a run
// killed midway stays visible as started but never finished.
import type Database from "better-sqlite3";
import { toStoreError } from "./to-store-error.js";

/** "partial": quarantined records or conflicts (exit 3); "aborted": stopped at a checkpoint (rate limit, outage). */
export type RunOutcome = "ok" | "partial" | "aborted" | "failed" | "interrupted";

export interface RunRecord {
  id: number;
  kind: string;
  /** ISO 8601 UTC. */
  startedAt: string;
  /** null while running, or when the process died before finishing. */
  finishedAt: string | null;
  outcome: RunOutcome | null;
  summary: unknown;
  error: string | null;
}

export interface FinishRun {
  outcome: RunOutcome;
  /** JSON-serialisable run summary (counts, durations). */
  summary?: unknown;
  /** Operator-facing error message, never a secret. */
  error?: string;
}

interface RunDbRow {
  id: number;
  kind: string;
  started_at: string;
  finished_at: string | null;
  outcome: RunOutcome | null;
  summary_json: string | null;
  error: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function toRun(row: RunDbRow): RunRecord {
  return {
    id: row.id,
    kind: row.kind,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    summary: row.summary_json === null ? null : (JSON.parse(row.summary_json) as unknown),
    error: row.error,
  };
}

export class RunLog {
  readonly #db: Database.Database;
  readonly #start: Database.Statement<[string, string]>;
  readonly #finish: Database.Statement<[string, string, string | null, string | null, number]>;
  readonly #last: Database.Statement<[number], RunDbRow>;
  readonly #lastOfKind: Database.Statement<[string, number], RunDbRow>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#start = db.prepare("INSERT INTO runs (kind, started_at) VALUES (?, ?)");
    this.#finish = db.prepare("UPDATE runs SET finished_at = ?, outcome = ?, summary_json = ?, error = ? WHERE id = ?");
    const columns = "id, kind, started_at, finished_at, outcome, summary_json, error";
    this.#last = db.prepare(`SELECT ${columns} FROM runs ORDER BY id DESC LIMIT ?`);
    this.#lastOfKind = db.prepare(`SELECT ${columns} FROM runs WHERE kind = ? ORDER BY id DESC LIMIT ?`);
  }

  /** Records the start of a run; returns its id. */
  start(kind: string, nowMs: number): number {
    try {
      return Number(this.#start.run(kind, iso(nowMs)).lastInsertRowid);
    } catch (err) {
      throw toStoreError(err, "record the start of the run", this.#db.name);
    }
  }

  finish(id: number, result: FinishRun, nowMs: number): void {
    const summary = result.summary === undefined ? null : (JSON.stringify(result.summary) ?? null);
    try {
      this.#finish.run(iso(nowMs), result.outcome, summary, result.error ?? null, id);
    } catch (err) {
      throw toStoreError(err, "record the end of the run", this.#db.name);
    }
  }

  /** The last `count` runs, newest first, optionally of one kind. */
  last(count: number, kind?: string): RunRecord[] {
    const rows = kind === undefined ? this.#last.all(count) : this.#lastOfKind.all(kind, count);
    return rows.map(toRun);
  }
}
