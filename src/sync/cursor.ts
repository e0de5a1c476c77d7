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

export function readStart(
  cursor: Cursor | undefined,
  options: { full: boolean; lookbackS: number; since?: string },
): ReadStart {
  if (options.full) return { since: undefined, reason: "full" };
  // --since sets a one-off lower bound without moving the stored cursor back (C1 "Flag semantics").
  if (options.since !== undefined) return { since: options.since, reason: "since-flag" };
  if (!cursor || cursor.updatedOn === "") return { since: undefined, reason: "first-run" };
  return { since: minusSeconds(cursor.updatedOn, options.lookbackS), reason: "lookback" };
}

/** The later of two keyset positions: a cursor never moves backwards. */
export function laterKey(a: Cursor, b: { updatedOn: string; sysId: string }): Cursor {
  if (b.updatedOn > a.updatedOn || (b.updatedOn === a.updatedOn && b.sysId > a.sysId)) {
    return { stream: a.stream, updatedOn: b.updatedOn, sysId: b.sysId };
  }
  return a;
}
