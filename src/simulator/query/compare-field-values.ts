// One total order per column type. The operators (`>`, `BETWEEN`, `=`…), lowerBound and record ordering all use it,
// so that a keyset cursor (`sys_id>S` with `ORDERBYsys_id`) and an index seek agree with the sort.
import type { FieldType } from "../schema/types.js";

export type ValueDomain = "number" | "datetime" | "boolean" | "text";

const NUMBER = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export function valueDomain(type: FieldType): ValueDomain {
  switch (type) {
    case "integer":
    case "decimal":
    case "float":
      return "number";
    case "glide_date_time":
    case "glide_date":
      return "datetime";
    case "boolean":
      return "boolean";
    default:
      // string, GUID, choice, reference (its sys_id), sys_class_name, collection.
      return "text";
  }
}

/** The number a stored or literal value denotes (no hex, no `Infinity`), or undefined. */
export function parseNumber(value: string): number | undefined {
  return NUMBER.test(value) ? Number(value) : undefined;
}

/**
 * The comparable form of a value: dates given as `YYYY-MM-DD` become midnight `YYYY-MM-DD 00:00:00` (so
 * `sys_updated_on>=2024-01-01` works, and `glide_date` columns compare with datetime helpers such as
 * `gs.daysAgoStart`); booleans `1`/`0` become `true`/`false`. Other values are unchanged. Datetimes then compare
 * as strings, which orders `YYYY-MM-DD HH:mm:ss` chronologically. Other date spellings (ISO-8601 `T…Z`, §2.3) are not
 * parsed and compare as raw strings (servicenow-api.md §10 question 3).
 */
export function normalizeFieldValue(type: FieldType, value: string): string {
  const domain = valueDomain(type);
  if (domain === "datetime" && DATE_ONLY.test(value)) return `${value} 00:00:00`;
  if (domain === "boolean") {
    if (value === "1" || value === "true") return "true";
    if (value === "0" || value === "false") return "false";
  }
  return value;
}

function compareStrings(a: string, b: string): number {
  // UTF-16 code-unit order, case-sensitive (§2.1: values are case-sensitive except for LIKE-style matching).
  return a < b ? -1 : a > b ? 1 : 0;
}

function numberRank(value: string, parsed: number | undefined): number {
  if (value === "") return 0;
  return parsed === undefined ? 2 : 1;
}

/**
 * Negative, zero or positive as `a` sorts before, with or after `b` in the column's order.
 * Numbers: empty first, then by numeric value ("5" equals "5.0"), then any non-numeric junk as strings.
 * Datetimes and booleans: normalised strings. Everything else: case-sensitive strings. Empty sorts first everywhere.
 */
export function compareFieldValues(type: FieldType, a: string, b: string): number {
  const domain = valueDomain(type);
  if (domain === "number") {
    const [na, nb] = [parseNumber(a), parseNumber(b)];
    const [ra, rb] = [numberRank(a, na), numberRank(b, nb)];
    if (ra !== rb) return ra - rb;
    if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
    return compareStrings(a, b);
  }
  return compareStrings(normalizeFieldValue(type, a), normalizeFieldValue(type, b));
}
