// The total order of a query's result: the ORDERBY terms, then sys_id ascending as the final tie-break.
// A real instance gives no guarantee among ties; the dev instance makes them stable so that offset paging over
// an unchanged table neither skips nor repeats rows, and so the index and full-scan paths agree row for row.
import type { OrderTerm } from "../query/types.js";
import type { SimRecord } from "../schema/types.js";
import { compareValues, type SortKind } from "./compare-values.js";

export type RecordComparator = (a: SimRecord, b: SimRecord) => number;

export function recordComparator(
  orderBy: readonly OrderTerm[],
  kindOf: (field: string) => SortKind,
  sortValue: (record: SimRecord, field: string) => string,
): RecordComparator {
  const terms: Array<{ field: string; sign: number; kind: SortKind }> = [];
  for (const term of orderBy) {
    terms.push({ field: term.field, sign: term.descending ? -1 : 1, kind: kindOf(term.field) });
    // sys_id is unique: nothing after it can change the order.
    if (term.field === "sys_id") break;
  }
  return (a, b) => {
    for (const term of terms) {
      const c = compareValues(sortValue(a, term.field), sortValue(b, term.field), term.kind);
      if (c !== 0) return c * term.sign;
    }
    const x = a.sys_id ?? "";
    const y = b.sys_id ?? "";
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
