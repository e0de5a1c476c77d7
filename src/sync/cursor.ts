// Where an incremental read of a stream starts (pure). The stored cursor is the (sys_updated_on, sys_id) of the
// last committed record; each run re-reads a lookback window before it, so records committed late on the
// instance (a transaction that started before our last read and ended after) or stamped by a node whose clock lags
// are not missed (reference/style-reliability-ecosystem.md B5.2, B6 rows 11/11b). All times are server times.
import type { Cursor } from "../domain/cursor.js";
import { parseGlideDateTime, toGlideDateTime } from "../servicenow/glide-date-time.js";

export interface ReadStart {
  /** Lower bound `sys_updated_on>=` of the read, undefined for a full read from the beginning. */
  since: string | undefined;
  /** Why the read starts there, for logs and `status`. */
  reason: "full" | "first-run" | "lookback" | "since-flag";
}

/** `YYYY-MM-DD HH:mm:ss` (UTC) minus `seconds`, in the same format. */
export function minusSeconds(glide: string, seconds: number): string {
  const t = parseGlideDateTime(glide);
  if (t === undefined) throw new Error(`not a glide datetime: ${glide}`);
  return toGlideDateTime(t - seconds * 1000);
}

/** ISO 8601 (from a flag) → glide UTC datetime. */
export function isoToGlide(iso: string): string | undefined {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : toGlideDateTime(t);
}

/**
 * Where the next read starts. The lookback window exists for records that were not yet visible when the last read
 * passed their `sys_updated_on`: a record stamped t and committed after that read has t > (the read's start on the
 * instance's clock) − (the longest commit lag, `lookbackS`). So when the last complete read began at `horizon`
 * (the instance's clock at its first response), only records after `horizon − lookbackS` can have been missed: the
 * window is [min(cursor, horizon − lookback), …], never wider than [cursor − lookback, …]. On a catalogue that was
 * quiet for more than the lookback before the last read, nothing before the cursor is read again (a no-op run is one
 * request per table, issue #8), where a window anchored on the cursor alone would re-read the last writes forever.
 */
export function readStart(
  cursor: Cursor | undefined,
  options: { full: boolean; lookbackS: number; since?: string; horizon?: string },
): ReadStart {
  if (options.full) return { since: undefined, reason: "full" };
  // --since sets a one-off lower bound without moving the stored cursor back (C1 "Flag semantics").
  if (options.since !== undefined) return { since: options.since, reason: "since-flag" };
  if (!cursor || cursor.updatedOn === "") return { since: undefined, reason: "first-run" };
  const byCursor = minusSeconds(cursor.updatedOn, options.lookbackS);
  if (options.horizon === undefined || parseGlideDateTime(options.horizon) === undefined) {
    return { since: byCursor, reason: "lookback" };
  }
  const byHorizon = minusSeconds(options.horizon, options.lookbackS);
  // Glide datetimes compare as strings. The window never starts before cursor − lookback (a horizon before the
  // cursor, e.g. from a restored database, falls back to it) nor after the cursor.
  const latest = [byCursor, byHorizon].sort()[1] ?? byCursor;
  const since = [latest, cursor.updatedOn].sort()[0] ?? latest;
  return { since, reason: "lookback" };
}

/** The later of two keyset positions: a cursor never moves backwards. */
export function laterKey(a: Cursor, b: { updatedOn: string; sysId: string }): Cursor {
  if (b.updatedOn > a.updatedOn || (b.updatedOn === a.updatedOn && b.sysId > a.sysId)) {
    return { stream: a.stream, updatedOn: b.updatedOn, sysId: b.sysId };
  }
  return a;
}
