// The push stage's state: the outbox of planned writes, the values empreinte last wrote, and the open conflicts.
// Every change is fenced by the lease token (B5.5) and each is its own transaction: the plan is persisted before the
// first write, and writes are marked done right after their 2xx (B5.4, in small groups: markDoneMany), so a crash
// leaves at most the in-flight and not-yet-marked writes pending, which the next run reads back before sending.
import { hash } from "node:crypto";
import type Database from "better-sqlite3";
import type { Conflict, PlannedWrite } from "../domain/write-plan.js";
import { Lease } from "./lease.js";
import { PlanInputs } from "./plan-inputs.js";
import { toStoreError } from "./to-store-error.js";

export type OutboxState = "pending" | "done" | "not_found" | "failed" | "superseded";

export interface OutboxEntry extends PlannedWrite {
  id: number;
  runId: number;
  payloadHash: string;
  state: OutboxState;
  attempts: number;
}

interface OutboxRow {
  id: number;
  run_id: number;
  sys_id: string;
  fields_json: string;
  payload_hash: string;
  state: OutboxState;
  attempts: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The record as the instance answered a write (the Table API's PATCH response, or a Batch item's body): its new
 * sys_updated_on and sys_mod_count and the values it now stores in the written columns.
 */
export type WriteEcho = Readonly<Record<string, unknown>>;

/** A completed write, with the instance's answer when it carried the record. */
export type DoneWrite = PlannedWrite & { id: number; echo?: WriteEcho };

/** The echo's system fields and the written columns' stored values, or undefined when it lacks any of them. */
function echoUpdate(
  entry: DoneWrite,
): { updatedOn: string; modCount: number; owned: Record<string, string> } | undefined {
  const echo = entry.echo;
  if (echo === undefined) return undefined;
  const updatedOn = echo.sys_updated_on;
  const modCount = Number(echo.sys_mod_count);
  if (typeof updatedOn !== "string" || updatedOn === "" || !Number.isInteger(modCount)) return undefined;
  const owned: Record<string, string> = {};
  for (const [column, written] of Object.entries(entry.fields)) {
    const stored = echo[column];
    owned[column] = typeof stored === "string" ? stored : written;
  }
  return { updatedOn, modCount, owned };
}

/** The echo's parameters of the cached-record update: owned values, raw patch, sys_updated_on, sys_mod_count. */
function echoParams(echo: {
  updatedOn: string;
  modCount: number;
  owned: Record<string, string>;
}): [string, string, string, number] {
  const raw = { ...echo.owned, sys_updated_on: echo.updatedOn, sys_mod_count: String(echo.modCount) };
  return [JSON.stringify(echo.owned), JSON.stringify(raw), echo.updatedOn, echo.modCount];
}

/** Hash of a write's payload, to tell a replay of the same values from a different write (ledger comparisons). */
export function payloadHash(fields: Readonly<Record<string, string>>): string {
  const sorted = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  // One-shot hash: the same digest as createHash().update().digest(), without a Hash object per write.
  return hash("sha256", JSON.stringify(sorted), "hex").slice(0, 32);
}

export class OutboxRepository {
  readonly #db: Database.Database;
  readonly #lease: Lease;
  readonly #lastWritten: Database.Statement<[string], { column: string; value: string }>;
  readonly #resolveConflict: Database.Statement<[string, string, string]>;
  readonly #patchOwned: Database.Statement<[string, string]>;
  readonly #anyOpenConflict: Database.Statement<[], { one: number }>;
  readonly #recordEcho: Database.Statement<Record<string, unknown>>;
  readonly #lastWrittenOf: Database.Statement<[string], [string, string]>;
  readonly #doneMany: Database.Statement<[string, string]>;
  readonly #putWrittenMany: Database.Statement<{ now: string; writes: string }>;
  readonly #resolveConflictsOf: Database.Statement<{ now: string; writes: string }>;
  readonly #supersedeMany: Database.Statement<{ now: string; ids: string }>;
  readonly #insertMany: Database.Statement<{ run: number; now: string; writes: string }>;
  readonly #putConflict: Database.Statement<[string, string, string, string, string, string, string]>;
  readonly #pendingAfter: Database.Statement<[number, number], OutboxRow>;
  readonly #finish: Database.Statement<[OutboxState, string, string, number], { sys_id: string }>;
  readonly #planInputs: PlanInputs;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#lease = new Lease(db);
    this.#lastWritten = db.prepare("SELECT column, value FROM written_values WHERE sys_id = ?");
    this.#resolveConflict = db.prepare(
      "UPDATE conflicts SET resolved_at = ? WHERE sys_id = ? AND column = ? AND resolved_at IS NULL",
    );
    this.#patchOwned = db.prepare("UPDATE services SET owned = json_patch(owned, ?) WHERE sys_id = ?");
    this.#anyOpenConflict = db.prepare("SELECT 1 AS one FROM conflicts WHERE resolved_at IS NULL LIMIT 1");
    // Only when the write was the one update since the version we hold (sys_mod_count exactly one more): the cached
    // record plus the written values is then the instance's record, and the next run need not read it again
    // (docs/adr/0008). Otherwise someone else changed it meanwhile, and the next pull must read it.
    this.#recordEcho = db.prepare(
      `UPDATE services SET owned = json_patch(owned, @owned), raw_json = json_patch(raw_json, @raw),
         sys_updated_on = @updated_on, sys_mod_count = @mod_count
       WHERE sys_id = @sys_id AND sys_mod_count = @mod_count - 1 AND tombstoned_at IS NULL`,
    );

    // Set-based forms, one statement per group of writes (or per plan chunk) instead of one per write or per written
    // column: about 10 written_values upserts a write, 1 million statements at 100,000 writes. Each takes its rows as
    // one JSON array bound as text; json_each yields them in array order, so an upsert that meets the same key twice
    // ends with the later value, as a loop would. Strings travel as JSON strings and come out of json_each (and `->>`)
    // as the same text. The cached services rows stay one UPDATE per write (#updateCached): an UPDATE … FROM
    // json_each measured twice as slow, SQLite parsing a row's JSON again for each field it reads.
    // lastWrittenOf: one row per record, its columns as one JSON object, cost a third of a row per column (measured).
    this.#lastWrittenOf = db
      .prepare<[string], [string, string]>(
        `SELECT sys_id, json_group_object(column, value) FROM written_values
          WHERE sys_id IN (SELECT value FROM json_each(?)) GROUP BY sys_id`,
      )
      .raw(true);
    this.#doneMany = db.prepare(
      `UPDATE outbox SET state = 'done', finished_at = ?, attempts = attempts + 1
        WHERE id IN (SELECT value FROM json_each(?)) AND state = 'pending'`,
    );
    // `writes`: [[sys_id, {column: value, …}], …]. WHERE true: without it SQLite would read ON CONFLICT as a join's.
    this.#putWrittenMany = db.prepare(
      `INSERT INTO written_values (sys_id, column, value, written_at)
       SELECT w.value ->> 0, f.key, f.value, @now FROM json_each(@writes) AS w, json_each(w.value, '$[1]') AS f
        WHERE true
       ON CONFLICT (sys_id, column) DO UPDATE SET value = excluded.value, written_at = excluded.written_at`,
    );
    this.#resolveConflictsOf = db.prepare(
      `UPDATE conflicts SET resolved_at = @now
        WHERE resolved_at IS NULL AND (sys_id, column) IN
          (SELECT w.value ->> 0, f.key FROM json_each(@writes) AS w, json_each(w.value, '$[1]') AS f)`,
    );
    // After the plan's writes are inserted: each record keeps its newest pending write only (the plan's, or the
    // plan's last when it writes a record twice). INDEXED BY: left to itself the planner scans every pending row
    // (outbox_pending) for each plan chunk instead of looking the chunk's records up, which made saving a
    // 100,000-write plan quadratic (see migration 5).
    this.#supersedeMany = db.prepare(
      `UPDATE outbox INDEXED BY outbox_pending_sys_id SET state = 'superseded', finished_at = @now
        WHERE state = 'pending' AND sys_id IN (SELECT value FROM json_each(@ids))
          AND id < (SELECT max(o.id) FROM outbox AS o WHERE o.sys_id = outbox.sys_id AND o.state = 'pending')`,
    );
    // `writes`: [[sys_id, fields JSON, payload hash], …]; ids are given in the plan's order.
    this.#insertMany = db.prepare(
      `INSERT INTO outbox (run_id, sys_id, fields_json, payload_hash, state, created_at)
       SELECT @run, value ->> 0, value ->> 1, value ->> 2, 'pending', @now FROM json_each(@writes) ORDER BY key`,
    );
    this.#pendingAfter = db.prepare(
      `SELECT id, run_id, sys_id, fields_json, payload_hash, state, attempts FROM outbox
        WHERE state = 'pending' AND id > ? ORDER BY id LIMIT ?`,
    );
    this.#finish = db.prepare(
      "UPDATE outbox SET state = ?, error = ?, finished_at = ?, attempts = attempts + 1 WHERE id = ? RETURNING sys_id",
    );
    this.#planInputs = new PlanInputs(db);
    this.#putConflict = db.prepare(
      `INSERT INTO conflicts (sys_id, column, remote, last_written, wanted, first_seen, last_seen)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (sys_id, column) DO UPDATE SET remote = excluded.remote, last_written = excluded.last_written,
         wanted = excluded.wanted, last_seen = excluded.last_seen, resolved_at = NULL`,
    );
  }

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
   * Persists a plan before anything is sent: older pending writes of the same records are superseded (the new plan
   * was computed from newer values), and the plan's conflicts are recorded or refreshed.
   */
  enqueue(
    plan: { writes: readonly PlannedWrite[]; conflicts: readonly Conflict[] },
    runId: number,
    fencingToken: number,
    nowMs: number,
  ): number {
    const now = iso(nowMs);
    return this.#fenced("persist the write plan", fencingToken, () => {
      if (plan.writes.length > 0) {
        // One statement each for the whole plan: the new writes, then the records' older pending ones superseded.
        const rows = plan.writes.map((w) => [w.sysId, JSON.stringify(w.fields), payloadHash(w.fields)]);
        this.#insertMany.run({ run: runId, now, writes: JSON.stringify(rows) });
        this.#supersedeMany.run({ now, ids: JSON.stringify(plan.writes.map((w) => w.sysId)) });
      }
      for (const c of plan.conflicts)
        this.#putConflict.run(c.sysId, c.column, c.remote, c.lastWritten, c.wanted, now, now);
      return plan.writes.length;
    });
  }

  /** Pending writes, oldest first (a restarted run replays these after checking they are still needed). */
  pending(): OutboxEntry[] {
    return this.pendingAfter(0, Number.MAX_SAFE_INTEGER);
  }

  /** Up to `limit` pending writes with an id above `afterId`, oldest first: the push reads the outbox in pages. */
  pendingAfter(afterId: number, limit: number): OutboxEntry[] {
    return this.#pendingAfter.all(afterId, limit).map((r) => ({
      id: r.id,
      runId: r.run_id,
      sysId: r.sys_id,
      fields: JSON.parse(r.fields_json) as Record<string, string>,
      payloadHash: r.payload_hash,
      state: r.state,
      attempts: r.attempts,
    }));
  }

  /** After a 2xx (or a read-back showing the values are there): done, and the values become "last written". */
  markDone(entry: PlannedWrite & { id: number }, fencingToken: number, nowMs: number): void {
    this.markDoneMany([entry], fencingToken, nowMs);
  }

  /**
   * `markDone` for several writes in one transaction. The push groups the writes that completed within a few hundred
   * milliseconds, and a crash before the group commits only leaves writes pending that the next run finds applied on
   * read-back and never sends again. For the same reason the group commits without waiting for the disk
   * (synchronous NORMAL, WAL): losing it to a power cut is that same crash, and the next FULL commit (the next plan,
   * a write marked failed) makes it durable anyway. The plan itself stays FULL: it must be on disk before a write
   * leaves. Measured at 100,000 writes: ~6 ms of fsync per group, ~3 s of the push's main thread.
   */
  markDoneMany(entries: readonly DoneWrite[], fencingToken: number, nowMs: number): void {
    if (entries.length === 0) return;
    const level = Number(this.#db.pragma("synchronous", { simple: true }));
    if (level > 1) this.#db.pragma("synchronous = NORMAL");
    try {
      this.#markDoneMany(entries, fencingToken, nowMs);
    } finally {
      if (level > 1) this.#db.pragma(`synchronous = ${level}`);
    }
  }

  #markDoneMany(entries: readonly DoneWrite[], fencingToken: number, nowMs: number): void {
    const now = iso(nowMs);
    this.#fenced(`mark ${entries.length} writes done`, fencingToken, () => {
      this.#doneMany.run(now, JSON.stringify(entries.map((e) => e.id)));
      const writes = JSON.stringify(entries.map((e) => [e.sysId, e.fields]));
      this.#putWrittenMany.run({ now, writes });
      // Conflicts are rare: one look for an open one per group before the statement that resolves them.
      if (this.#anyOpenConflict.get() !== undefined) this.#resolveConflictsOf.run({ now, writes });
      // The cached remote values now hold what the instance holds, so a plan made before the next pull (a `push`
      // alone) does not mistake our own values for a human edit. With the instance's answer, the cached record
      // becomes the new version when ours was the only update; else the next pull reads it.
      for (const entry of entries) this.#updateCached(entry);
    });
  }

  /** The cached record of one write. */
  #updateCached(entry: DoneWrite): void {
    const echo = echoUpdate(entry);
    let recorded = false;
    if (echo !== undefined) {
      const [owned, raw, updatedOn, modCount] = echoParams(echo);
      recorded =
        this.#recordEcho.run({ owned, raw, updated_on: updatedOn, mod_count: modCount, sys_id: entry.sysId }).changes >
        0;
    }
    if (!recorded) this.#patchOwned.run(JSON.stringify(entry.fields), entry.sysId);
  }

  /** The record is gone on the instance (404): the write is dropped, never retried. */
  markFinished(id: number, state: "not_found" | "failed", error: string, fencingToken: number, nowMs: number): void {
    this.#fenced(`mark write ${id} ${state}`, fencingToken, () => {
      const row = this.#finish.get(state, error, iso(nowMs), id);
      // A refused write is planned again by the next run (its values may be accepted then), as when every run
      // planned the whole catalogue (plan-inputs.ts).
      if (state === "failed" && row !== undefined) this.#planInputs.changed([row.sys_id]);
    });
  }

  /** What empreinte last wrote to each owned column of a record. */
  lastWritten(sysId: string): Record<string, string> {
    const rows = this.#lastWritten.all(sysId);
    return Object.fromEntries(rows.map((r) => [r.column, r.value]));
  }

  /**
   * `lastWritten` of several records in one query (the push plans a chunk of services at a time): every requested
   * sys_id is in the map, with {} when empreinte never wrote to it.
   */
  lastWrittenOf(sysIds: readonly string[]): Map<string, Record<string, string>> {
    const out = new Map<string, Record<string, string>>(sysIds.map((id) => [id, {}]));
    if (sysIds.length === 0) return out;
    for (const [sysId, values] of this.#lastWrittenOf.all(JSON.stringify(sysIds))) {
      out.set(sysId, JSON.parse(values) as Record<string, string>);
    }
    return out;
  }

  /**
   * Pending writes of runs before `runId` that the new plan did not supersede: the record needs no write any more
   * (its values are already there, or a human edit now stands in the way). They are dropped, never sent.
   */
  supersedeOlderPending(runId: number, fencingToken: number, nowMs: number): number {
    return this.#fenced("drop pending writes no longer needed", fencingToken, () => {
      return this.#db
        .prepare("UPDATE outbox SET state = 'superseded', finished_at = ? WHERE state = 'pending' AND run_id < ?")
        .run(iso(nowMs), runId).changes;
    });
  }

  /** Conflicts of records that no longer conflict (the human value now equals ours, or --force wrote over it). */
  resolveConflicts(keys: ReadonlyArray<{ sysId: string; column: string }>, fencingToken: number, nowMs: number): void {
    if (keys.length === 0) return;
    this.#fenced("resolve conflicts", fencingToken, () => {
      for (const k of keys) this.#resolveConflict.run(iso(nowMs), k.sysId, k.column);
    });
  }

  openConflicts(): Conflict[] {
    return this.#db
      .prepare<[], { sys_id: string; column: string; remote: string; last_written: string; wanted: string }>(
        "SELECT sys_id, column, remote, last_written, wanted FROM conflicts WHERE resolved_at IS NULL ORDER BY sys_id, column",
      )
      .all()
      .map((r) => ({
        sysId: r.sys_id,
        column: r.column,
        remote: r.remote,
        lastWritten: r.last_written,
        wanted: r.wanted,
      }));
  }

  /** Writes pending (the partial index `outbox_pending`: not a scan of every write ever made, as counts() is). */
  pendingCount(): number {
    return (
      this.#db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'").get()?.n ?? 0
    );
  }

  counts(): Record<OutboxState, number> {
    const out: Record<OutboxState, number> = { pending: 0, done: 0, not_found: 0, failed: 0, superseded: 0 };
    for (const r of this.#db
      .prepare<[], { state: OutboxState; n: number }>("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
      .all()) {
      out[r.state] = r.n;
    }
    return out;
  }
}
