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

/** Whether `path` names a column (through reference columns for a dot-walk): it depends on the schema only. */
function resolvable(table: string, path: string, schema: SchemaView): boolean {
  const segments = path.split(".");
  let currentTable = table;
  for (let i = 0; i < segments.length; i++) {
    const field = schema.field(currentTable, segments[i] as string);
    if (!field) return false;
    if (i === segments.length - 1) return true;
    if (field.type !== "reference" || !field.reference) return false;
    currentTable = field.reference;
  }
  return false;
}

/** One name to emit: `plain` = the stored value as is; otherwise its column (undefined after a dot-walk). */
export type SerializeStep = { name: string; plain: true } | { name: string; plain: false; field: FieldDef | undefined };

export type SerializePlanOptions = Pick<
  SerializeOptions,
  "table" | "displayValue" | "excludeReferenceLink" | "fields" | "schema"
>;

/**
 * Which names to emit, and how, worked out once per request (or cached, table-api.ts), not per row: a list page is
 * 1,000 rows. A plain column in `sysparm_display_value=false` (a reference too when links are excluded) is its stored
 * value, the connector's case; everything else goes through the general path. Depends on the schema only.
 */
export function planSerializer(opts: SerializePlanOptions): SerializeStep[] {
  const names = opts.fields ?? opts.schema.fields(opts.table).map((f) => f.element);
  const steps: SerializeStep[] = [];
  // `in`, as the per-row check was: a name is emitted once, and never one a plain object already answers to.
  const emitted: Record<string, true> = {};
  for (const name of names) {
    if (name in emitted) continue;
    if (!resolvable(opts.table, name, opts.schema)) continue; // unknown names in sysparm_fields are silently ignored (§0 fact 10)
    emitted[name] = true;
    const field = name.includes(".") ? undefined : opts.schema.field(opts.table, name);
    const isRef = field?.type === "reference" && field.reference !== undefined;
    const plain = field !== undefined && opts.displayValue === "false" && (!isRef || opts.excludeReferenceLink);
    steps.push(plain ? { name, plain } : { name, plain, field });
  }
  return steps;
}

/** The serializer for one request, from its plan. */
export function serializerFromPlan(
  steps: readonly SerializeStep[],
  opts: SerializeOptions,
): (record: SimRecord) => Record<string, SerializedValue> {
  return (record) => {
    const out: Record<string, SerializedValue> = {};
    for (const step of steps) {
      const { name } = step;
      if (step.plain) out[name] = record[name] ?? "";
      else if (step.field !== undefined) {
        out[name] = serializeValue({ field: step.field, table: opts.table, value: record[name] ?? "" }, opts);
      } else {
        out[name] = serializeValue(resolve(record, opts.table, name, opts) as Resolved, opts);
      }
    }
    return out;
  };
}

export function serializeRecord(record: SimRecord, opts: SerializeOptions): Record<string, SerializedValue> {
  return serializerFromPlan(planSerializer(opts), opts)(record);
}
