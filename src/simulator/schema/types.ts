// Shared shapes of the embedded ServiceNow-compatible dev instance.
// Everything under src/simulator/ builds on these; nothing outside the simulator imports them
// (the connector talks to the simulator over HTTP only, as it would to a real instance).

/** Column types, named as ServiceNow's `sys_dictionary.internal_type` values. */
export type FieldType =
  | "GUID"
  | "string"
  | "integer"
  | "decimal"
  | "float"
  | "boolean"
  | "glide_date_time"
  | "glide_date"
  | "reference"
  | "choice"
  | "sys_class_name"
  | "collection";

export interface ChoiceDef {
  value: string;
  label: string;
}

/** One column, as a `sys_dictionary` row describes it. The row lives on the table that defines the column. */
export interface FieldDef {
  element: string;
  type: FieldType;
  label: string;
  maxLength?: number;
  /** Target table of a reference column. */
  reference?: string;
  /** Digits after the decimal point of a `decimal` column (ServiceNow's "scale"). */
  scale?: number;
  mandatory?: boolean;
  readOnly?: boolean;
  choices?: ChoiceDef[];
  /** Field shown as the display value of a record of this table (e.g. `name`, `number`, `user_name`). */
  display?: boolean;
  /**
   * What `sysparm_display_value=true|all` shows when the value is empty. Due-date columns show "UNKNOWN" on real
   * instances (shared/reference/servicenow-api.md §0 fact 3); choice columns with no label for "" show null.
   */
  emptyDisplayValue?: string | null;
}

/** One table, as a `sys_db_object` row describes it, with the columns it defines itself (not inherited ones). */
export interface TableDef {
  name: string;
  label: string;
  /** Parent table name; the record's `super_class` in `sys_db_object` is a reference to the parent's row. */
  superClass?: string;
  fields: FieldDef[];
}

/**
 * A stored record: every value is a string, exactly as the Table API returns it with
 * `sysparm_display_value=false`. References hold the target sys_id; empty is "".
 * Datetimes are UTC `YYYY-MM-DD HH:mm:ss`; dates `YYYY-MM-DD`.
 */
export type SimRecord = Record<string, string>;

/** Read-only view of the table hierarchy and columns that the query engine and serializers need. */
export interface SchemaView {
  hasTable(table: string): boolean;
  /** The column definition as seen from `table` (own or inherited), or undefined if the column does not exist. */
  field(table: string, element: string): FieldDef | undefined;
  /** All columns visible on `table`, inherited ones first. */
  fields(table: string): FieldDef[];
  /** `table` and every table that extends it, directly or not. */
  descendants(table: string): string[];
  /** `table`, its parent, its parent's parent… up to the root. */
  ancestors(table: string): string[];
  /** The element shown as a record's display value on `table` (falls back to `sys_id`). */
  displayField(table: string): string;
}
