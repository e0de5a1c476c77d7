// Where an incremental pull of one stream stands: keyset (sys_updated_on, sys_id), DESIGN.md §4 invariant 2.

export type StreamName = "services" | "usage";

export interface Cursor {
  stream: StreamName;
  /** UTC `YYYY-MM-DD HH:mm:ss` of the last committed record, "" before the first run. */
  updatedOn: string;
  /** sys_id of the last committed record at that instant (tie-break). */
  sysId: string;
}
