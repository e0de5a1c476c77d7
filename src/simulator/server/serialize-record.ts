// Turns a stored record into the JSON object the Table API sends, for the three `sysparm_display_value` modes
// (shared/reference/servicenow-api.md §0 facts 2-3, §1.4): every scalar a string; references as
// `{link, value}` (false), `{display_value, link}` (true), `{display_value, link, value}` (all); links carry the
// API version of the request; `sysparm_exclude_reference_link` drops the link; dot-walked fields come back flat.
import type { FieldDef, SchemaView, SimRecord } from "../schema/types.js";
import { type DisplayContext, formatDisplayValue } from "./format-display-value.js";

export type DisplayValueMode = "false" | "true" | "all";

export interface SerializeOptions {
  table: string;
  displayValue: DisplayValueMode;
  excludeReferenceLink: boolean;
  /** Requested `sysparm_fields`, or undefined for every column of `table`. Unknown names are ignored, as on a real instance. */
  fields: string[] | undefined;
  /** `http://host:port/api/now` or `http://host:port/api/now/v1`: reference links use the request's version. */
  apiBaseUrl: string;
  display: DisplayContext;
  schema: SchemaView;
  lookup(table: string, sysId: string): SimRecord | undefined;
}

export type SerializedValue = string | null | { link?: string; value?: string; display_value?: string | null };

interface Resolved {
  field: FieldDef;
  /** Table the final column belongs to (differs from the queried table after a dot-walk). */
  table: string;
  value: string;
}

/** Follows `a.b.c` through reference columns. Undefined when a segment is not a column. */
function resolve(record: SimRecord, table: string, path: string, opts: SerializeOptions): Resolved | undefined {
  const segments = path.split(".");
  let current: SimRecord | undefined = record;
  let currentTable = table;
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i] as string;
    const field = opts.schema.field(currentTable, name);
    if (!field) return undefined;
    const value: string = current?.[name] ?? "";
    if (i === segments.length - 1) return { field, table: currentTable, value };
    if (field.type !== "reference" || !field.reference) return undefined;
    current = value === "" ? undefined : opts.lookup(field.reference, value);
    currentTable = field.reference;
  }
  return undefined;
}

function serializeValue(r: Resolved, opts: SerializeOptions): SerializedValue {
  const { field, value } = r;
  const isRef = field.type === "reference" && field.reference !== undefined;
  const link = isRef && value !== "" ? `${opts.apiBaseUrl}/table/${field.reference}/${value}` : undefined;
  if (opts.displayValue === "false") {
    if (!isRef || value === "" || opts.excludeReferenceLink) return value;
    return { link, value };
  }
  const display = formatDisplayValue(field, value, opts.display);
  if (opts.displayValue === "true") {
    if (!isRef || value === "" || opts.excludeReferenceLink) return display;
    return { display_value: display, link };
  }
  if (isRef && value !== "" && !opts.excludeReferenceLink) return { display_value: display, link, value };
  return { display_value: display, value };
}

export function serializeRecord(record: SimRecord, opts: SerializeOptions): Record<string, SerializedValue> {
  const out: Record<string, SerializedValue> = {};
  const names = opts.fields ?? opts.schema.fields(opts.table).map((f) => f.element);
  for (const name of names) {
    if (name in out) continue;
    const resolved = resolve(record, opts.table, name, opts);
    if (!resolved) continue; // unknown names in sysparm_fields are silently ignored (§0 fact 10)
    out[name] = serializeValue(resolved, opts);
  }
  return out;
}
