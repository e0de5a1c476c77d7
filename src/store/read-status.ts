// Everything `empreinte status` shows about the cache, read in one read transaction so the figures agree with each
// other even while a run is committing pages (WAL readers see one snapshot and never block the writer).
import type Database from "better-sqlite3";
import type { Cursor } from "../domain/cursor.js";
import type { Conflict } from "../domain/write-plan.js";
import { type CacheCounts, CacheRepository } from "./cache-repository.js";
import { Lease, type LeaseHolder } from "./lease.js";
import { OutboxRepository, type OutboxState } from "./outbox-repository.js";
import { type QuarantineCount, QuarantineRepository } from "./quarantine-repository.js";
import { RunLog, type RunRecord } from "./run-log.js";
import { toStoreError } from "./to-store-error.js";

export interface CursorStatus extends Cursor {
  /** ISO 8601 UTC of the commit that last moved it; null when the stream was never pulled. */
  updatedAt: string | null;
}

export interface StatusSnapshot {
  databasePath: string;
  schemaVersion: number;
  counts: CacheCounts;
  cursors: CursorStatus[];
  quarantine: { open: number; byStreamReason: QuarantineCount[] };
  /** Writes by state; `pending` ones are sent by the next run (after a crash: only if still needed). */
  outbox: Record<OutboxState, number>;
  /** Owned fields a person changed on the instance, kept until resolved (first 100). */
  conflicts: { open: number; first: Conflict[] };
  lastRuns: RunRecord[];
  /** null when no run holds it; `expired` means its holder died or stalled and the next run will take it over. */
  lease: (LeaseHolder & { expired: boolean }) | null;
  meta: Record<string, string>;
}

export interface ReadStatusOptions {
  nowMs: number;
  /** How many recent runs to include; default 5. */
  runs?: number;
}

export function readStatus(db: Database.Database, options: ReadStatusOptions): StatusSnapshot {
  const cache = new CacheRepository(db);
  const quarantine = new QuarantineRepository(db);
  const runs = new RunLog(db);
  const lease = new Lease(db);
  const outbox = new OutboxRepository(db);
  const cursorUpdatedAt = db.prepare<[string], { updated_at: string }>(
    "SELECT updated_at FROM cursors WHERE stream = ?",
  );
  const metaRows = db.prepare<[], { key: string; value: string }>("SELECT key, value FROM meta ORDER BY key");
  try {
    return db.transaction(() => {
      const byStreamReason = quarantine.counts();
      const holder = lease.holder();
      const conflicts = outbox.openConflicts();
      return {
        databasePath: db.name,
        schemaVersion: Number(db.pragma("user_version", { simple: true })),
        counts: cache.counts(),
        cursors: (["services", "usage"] as const).map((stream) => ({
          ...cache.getCursor(stream),
          updatedAt: cursorUpdatedAt.get(stream)?.updated_at ?? null,
        })),
        quarantine: { open: byStreamReason.reduce((sum, c) => sum + c.open, 0), byStreamReason },
        outbox: outbox.counts(),
        conflicts: { open: conflicts.length, first: conflicts.slice(0, 100) },
        lastRuns: runs.last(options.runs ?? 5),
        lease: holder ? { ...holder, expired: holder.expiresAtMs <= options.nowMs } : null,
        meta: Object.fromEntries(metaRows.all().map((r) => [r.key, r.value])),
      };
    })();
  } catch (err) {
    throw toStoreError(err, "read the cache status", db.name);
  }
}
