// Chooses how the store reads rows for an ORDERBY: stream one of the three indexes in order (and stop early),
// or read the whole family and sort in JS. Pure.
import type { OrderTerm } from "../query/types.js";

/** Record column → SQL column of each family table that has an index `(column, sys_id)`. */
export const INDEXED_FIELDS = {
  sys_updated_on: "updated_on",
  sys_created_on: "created_on",
  sys_id: "sys_id",
} as const;

export type IndexedField = keyof typeof INDEXED_FIELDS;
export type IndexColumn = (typeof INDEXED_FIELDS)[IndexedField];

export type ScanPlan =
  | {
      kind: "index";
      field: IndexedField;
      column: IndexColumn;
      /** The index is read backwards (`ORDER BY column DESC, sys_id DESC`). */
      descending: boolean;
      /**
       * Rows tied on `field` must be re-sorted in JS (other ORDERBY terms, or the sys_id-ascending tie-break under a
       * descending first term). False when the index order `(column, sys_id)` already is the wanted order.
       */
      sortTies: boolean;
    }
  | { kind: "scan" };

function isIndexed(field: string): field is IndexedField {
  return Object.hasOwn(INDEXED_FIELDS, field);
}

/**
 * No ORDERBY → sys_id order. A real instance returns rows in whatever order the database reads them, which for an
 * InnoDB table keyed on sys_id is usually sys_id order; choosing it makes unordered paging deterministic and seekable.
 */
export function planScan(orderBy: readonly OrderTerm[]): ScanPlan {
  const first = orderBy[0];
  if (first === undefined)
    return { kind: "index", field: "sys_id", column: "sys_id", descending: false, sortTies: false };
  if (!isIndexed(first.field)) return { kind: "scan" };
  const column = INDEXED_FIELDS[first.field];
  if (first.field === "sys_id")
    return { kind: "index", field: "sys_id", column, descending: first.descending, sortTies: false };
  // The order wanted among ties: the next term, or the final sys_id-ascending tie-break.
  const next = orderBy.slice(1).find((term) => term.field !== first.field);
  const tiesBySysIdDescending = next === undefined ? false : next.field === "sys_id" ? next.descending : undefined;
  return {
    kind: "index",
    field: first.field,
    column,
    descending: first.descending,
    sortTies: tiesBySysIdDescending !== first.descending,
  };
}
