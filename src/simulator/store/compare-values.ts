// How ORDERBY compares two stored values. Everything is stored as a string (reference §0 fact 2), but numbers
// sort numerically. Text sorts case-sensitively, in the same order the query engine's `>`/`<` operators use, so that
// a keyset cursor on any column (`name>X^ORDERBYname`) agrees with the sort (a real instance's database collation
// may sort text case-insensitively; agreement with the operators matters more here). Empty values (SQL NULL) sort
// first in ascending order.
import type { FieldType } from "../schema/types.js";

/**
 * "binary": UTF-16 code-unit order. On the values of the indexed columns (sys_id hex, `YYYY-MM-DD HH:mm:ss`) it is
 * the order of SQLite's BINARY collation, which the index paths rely on.
 */
export type SortKind = "binary" | "numeric";

/** Plain decimal notation only: no hex, no `Infinity`, not the empty string (which `Number` reads as 0). */
const NUMBER = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

export function sortKindOf(type: FieldType | undefined): SortKind {
  return type === "integer" || type === "decimal" || type === "float" ? "numeric" : "binary";
}

function binary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Empty first, then numbers by value ("5" ties with "5.0"), then values that are not numbers, as strings. */
function numeric(a: string, b: string): number {
  const rank = (value: string): number => (value === "" ? 0 : NUMBER.test(value) ? 1 : 2);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra !== 1) return binary(a, b);
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Ascending comparison of two stored values of a column of the given kind; "" sorts first. */
export function compareValues(a: string, b: string, kind: SortKind): number {
  return kind === "numeric" ? numeric(a, b) : binary(a, b);
}
