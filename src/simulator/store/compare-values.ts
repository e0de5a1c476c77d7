// How ORDERBY compares two stored values. Everything is stored as a string (reference §0 fact 2), but a real
// instance sorts in the database by the column's type: numbers numerically, text case-insensitively (MySQL's
// default `_ci` collation; reference §2.1 notes matching is case-insensitive "via DB collation"), and empty values
// (SQL NULL) first in ascending order.
import type { FieldType } from "../schema/types.js";

/**
 * "binary": code-unit order, identical to SQLite's BINARY collation for the ASCII values it is used on
 * (sys_id hex, `YYYY-MM-DD HH:mm:ss`, "true"/"false"); the index paths rely on that equality.
 */
export type SortKind = "binary" | "numeric" | "text";

export function sortKindOf(type: FieldType | undefined): SortKind {
  switch (type) {
    case "integer":
    case "decimal":
    case "float":
      return "numeric";
    case "GUID":
    case "glide_date_time":
    case "glide_date":
    case "boolean":
      return "binary";
    default:
      return "text";
  }
}

function binary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function numeric(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "") return -1;
  if (b === "") return 1;
  const x = Number(a);
  const y = Number(b);
  const xNaN = Number.isNaN(x);
  const yNaN = Number.isNaN(y);
  // Not a number in a numeric column cannot come from the Table API; keep it deterministic: after numbers.
  if (xNaN || yNaN) return xNaN && yNaN ? binary(a, b) : xNaN ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : binary(a, b);
}

function text(a: string, b: string): number {
  if (a === b) return 0;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  // Case-insensitive first; binary as a tie-break so the order is total and repeatable.
  return x < y ? -1 : x > y ? 1 : binary(a, b);
}

/** Ascending comparison of two stored values of a column of the given kind; "" sorts first. */
export function compareValues(a: string, b: string, kind: SortKind): number {
  if (kind === "numeric") return numeric(a, b);
  if (kind === "text") return text(a, b);
  return binary(a, b);
}
