// The records of the two metadata tables, derived from the schema, so that a client can discover tables and
// columns exactly as on a real instance (shared/reference/servicenow-api.md §6 "Column-existence check"):
// - `sys_db_object`: one row per table; `super_class` holds the parent's `sys_db_object` sys_id (a reference);
// - `sys_dictionary`: one row per (DEFINING table, column) plus one "collection" row per table (empty `element`).
//   An inherited column has no row on the child: a client finds it by walking `super_class` (§0 fact 21).
// Sys_ids are an MD5 of the table/column name, so they are stable across restarts and seeds.
import { createHash } from "node:crypto";
import type { FieldDef, FieldType, SimRecord, TableDef } from "./types.js";

/** What the metadata needs from a schema (SchemaRegistry has it): every table with the columns it defines. */
export interface SchemaTables {
  tableNames(): string[];
  table(name: string): TableDef | undefined;
}

export interface MetadataRecords {
  sysDbObject: SimRecord[];
  sysDictionary: SimRecord[];
}

/** Who creates the out-of-the-box metadata on a real instance. */
const METADATA_AUTHOR = "system";

/** `sys_dictionary.max_length` when a column does not set one: the platform defaults per type. */
const DEFAULT_MAX_LENGTH: Record<FieldType, number> = {
  GUID: 32,
  string: 40,
  integer: 40,
  decimal: 15,
  float: 40,
  boolean: 40,
  glide_date_time: 40,
  glide_date: 40,
  reference: 32,
  choice: 40,
  sys_class_name: 80,
  collection: 40,
};

function md5Hex(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

/** The `sys_db_object` sys_id of a table: 32 lowercase hex, a pure function of the name. */
export function tableSysId(table: string): string {
  return md5Hex(`sys_db_object:${table}`);
}

/** The `sys_dictionary` sys_id of a column ("" for the collection row), a pure function of the names. */
export function dictionarySysId(table: string, element: string): string {
  return md5Hex(`sys_dictionary:${table}.${element}`);
}

function systemValues(sysId: string, table: string, createdOn: string, createdBy: string): SimRecord {
  return {
    sys_id: sysId,
    sys_created_on: createdOn,
    sys_created_by: createdBy,
    sys_updated_on: createdOn,
    sys_updated_by: createdBy,
    sys_mod_count: "0",
    sys_class_name: table,
  };
}

/**
 * The `sys_dictionary` row of one column defined on `table` (also what the store saves when an admin POSTs a new
 * column). `createdOn` is a stored datetime, `YYYY-MM-DD HH:mm:ss` UTC.
 */
export function dictionaryRecord(
  table: string,
  field: FieldDef,
  sysId: string,
  createdOn: string,
  createdBy = METADATA_AUTHOR,
): SimRecord {
  return {
    ...systemValues(sysId, "sys_dictionary", createdOn, createdBy),
    name: table,
    element: field.element,
    column_label: field.label,
    internal_type: field.type,
    max_length: String(field.maxLength ?? DEFAULT_MAX_LENGTH[field.type]),
    reference: field.reference ?? "",
    scale: field.scale === undefined ? "" : String(field.scale),
    mandatory: String(field.mandatory === true),
    read_only: String(field.readOnly === true),
    active: "true",
  };
}

/** Every `sys_db_object` and `sys_dictionary` record of the schema, tables in registry order. */
export function metadataRecords(schema: SchemaTables, createdOn: string): MetadataRecords {
  const sysDbObject: SimRecord[] = [];
  const sysDictionary: SimRecord[] = [];
  for (const name of schema.tableNames()) {
    const def = schema.table(name);
    if (!def) continue;
    sysDbObject.push({
      ...systemValues(tableSysId(name), "sys_db_object", createdOn, METADATA_AUTHOR),
      name,
      label: def.label,
      super_class: def.superClass === undefined ? "" : tableSysId(def.superClass),
    });
    // The collection row stands for the table itself; real instances give it the table's label.
    const collection: FieldDef = { element: "", type: "collection", label: def.label };
    sysDictionary.push(dictionaryRecord(name, collection, dictionarySysId(name, ""), createdOn));
    for (const field of def.fields) {
      sysDictionary.push(dictionaryRecord(name, field, dictionarySysId(name, field.element), createdOn));
    }
  }
  return { sysDbObject, sysDictionary };
}
