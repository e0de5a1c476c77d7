// Groups the dev instance's single-row writes (a PATCH's record update, its two ledger entries) into one SQLite
// transaction per few milliseconds. An autocommit per statement writes page 1 and every touched page to the file at
// each statement: measured 0.06 ms of the instance's 0.24 ms CPU per PATCH. The file is disposable (rebuilt from the
// seed on every start, one exclusive connection), so a commit that a crash loses costs nothing, and every read goes
// through the same connection, which sees its own uncommitted writes: nothing a client observes changes.
import type Database from "better-sqlite3";

export interface GroupCommitOptions {
  /** Longest a write waits for its commit; 0 = no grouping (autocommit per statement). */
  maxDelayMs: number;
  /** Writes per transaction at most, which bounds the in-memory rollback journal. */
  maxWrites: number;
}

export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = { maxDelayMs: 50, maxWrites: 1024 };

export class GroupCommit {
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private writes = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly options: GroupCommitOptions = DEFAULT_GROUP_COMMIT,
  ) {
    this.begin = db.prepare("BEGIN");
    this.commit = db.prepare("COMMIT");
  }

  /** Call before each single-row write statement: opens the group's transaction when none is open. */
  beforeWrite(): void {
    if (this.options.maxDelayMs <= 0) return;
    if (this.writes >= this.options.maxWrites) this.flush();
    if (!this.db.inTransaction) {
      this.begin.run();
      this.writes = 0;
      if (this.timer === undefined) {
        this.timer = setTimeout(() => this.flush(), this.options.maxDelayMs);
        // A pending commit must not keep a finished test or CLI alive; close() flushes anyway.
        this.timer.unref();
      }
    }
    this.writes++;
  }

  /**
   * Commits the open group, if any. Before bulk loads (which run their own transactions), DDL, and close. A group
   * that SQLite already rolled back (an I/O error) has no transaction left to commit.
   */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writes = 0;
    if (this.db.inTransaction) this.commit.run();
  }
}
