// What the push stage will write back to the catalogue: only owned columns whose formatted value changed, and the
// human edits it found and will not overwrite (DESIGN.md §4 invariant 4).

/** A target column's type and precision as `sys_dictionary` declares it. */
export interface ColumnType {
  /** `sys_dictionary.internal_type`: decimal, integer, string, glide_date_time, choice… */
  type: string;
  /** Digits after the point of a decimal column. */
  scale?: number;
  /** Longest value a string column accepts. */
  maxLength?: number;
}

export interface PlannedWrite {
  sysId: string;
  /** Column → formatted value, only the columns to change (plus the computed-on stamp). */
  fields: Record<string, string>;
}

export interface Conflict {
  sysId: string;
  column: string;
  /** The value on the instance now, set by someone else. */
  remote: string;
  /** What empreinte wrote last ("" when it never wrote this column). */
  lastWritten: string;
  /** What empreinte would write. */
  wanted: string;
}

export interface WritePlan {
  writes: PlannedWrite[];
  conflicts: Conflict[];
  /** Services whose owned columns already hold the formatted values: nothing to send. */
  unchanged: number;
}
